// Go's fmt over template values: Sprint, Sprintln, Sprintf with flags, width and precision.
import { goTimeString } from '../../go/time.ts';
import { formatFloat } from './go-float.ts';
import { goQuote, goQuoteRune, runeCount, utf8Bytes } from './go-strings.ts';
import { goTypeName, kindOf, sortedEntries } from './go-values.ts';

interface Spec {
  verb: string;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  precision?: number;
}

const PLAIN: Spec = { verb: 'v', minus: false, plus: false, sharp: false, space: false, zero: false };

/** The text fmt.Print gives one value (what a template action prints). */
export function formatValue(value: unknown): string {
  return formatArg(value, PLAIN, 0);
}

/** fmt.Sprint: operands joined, with a space only between two that are both non-strings. */
export function sprint(args: unknown[]): string {
  return args.map((arg, i) => {
    const space = i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string';
    return (space ? ' ' : '') + formatValue(arg);
  }).join('');
}

/** fmt.Sprintln: operands always space-separated, then a newline. */
export function sprintln(args: unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}

export function sprintf(format: string, args: unknown[]): string {
  const cursor: Cursor = { args, next: 0, reordered: false };
  let out = '';
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) return finish(out + format.slice(i), cursor);
    out += format.slice(i, percent);
    const parsed = parseSpec(format, percent + 1, cursor);
    i = parsed.end;
    out += parsed.text ?? formatNext(parsed.spec!, cursor);
  }
  return finish(out, cursor);
}

/** The arguments and which one comes next; `%[n]d` moves it and turns off the EXTRA check, as in Go. */
interface Cursor {
  args: unknown[];
  next: number;
  reordered: boolean;
}

function formatNext(spec: Spec, cursor: Cursor): string {
  if (spec.verb === '%') return '%';
  if (cursor.next >= cursor.args.length) return `%!${spec.verb}(MISSING)`;
  return formatArg(cursor.args[cursor.next++], spec, 0);
}

function finish(out: string, cursor: Cursor): string {
  if (cursor.reordered || cursor.next >= cursor.args.length) return out;
  const extra = cursor.args.slice(cursor.next).map((arg) => (arg == null ? '<nil>' : `${goTypeName(arg)}=${formatValue(arg)}`));
  return `${out}%!(EXTRA ${extra.join(', ')})`;
}

/** Reads `[n]` if present; false when n names no argument. */
function argIndex(format: string, i: number, cursor: Cursor): { end: number; ok: boolean } {
  const match = /^\[(\d+)\]/.exec(format.slice(i));
  if (!match) return { end: i, ok: true };
  cursor.reordered = true;
  const index = Number(match[1]) - 1;
  if (index < 0 || index >= cursor.args.length) return { end: i + match[0].length, ok: false };
  cursor.next = index;
  return { end: i + match[0].length, ok: true };
}

/** Parses flags, [n], width, precision and verb after a '%'; `text` is set when the result is already known. */
function parseSpec(format: string, start: number, cursor: Cursor): { spec?: Spec; text?: string; end: number } {
  const spec: Spec = { ...PLAIN };
  let i = start;
  for (; i < format.length; i++) {
    const flag = format[i];
    if (flag === '-') { spec.minus = true; spec.zero = false; } else if (flag === '+') spec.plus = true;
    else if (flag === '#') spec.sharp = true;
    else if (flag === ' ') spec.space = true;
    else if (flag === '0') spec.zero = !spec.minus;
    else break;
  }
  let index = argIndex(format, i, cursor);
  i = index.end;
  let bad = !index.ok;
  if (format[i] === '*') {
    i++;
    const width = cursor.args[cursor.next++];
    if (typeof width !== 'number' || !Number.isInteger(width)) return { text: '%!(BADWIDTH)', end: i };
    spec.width = Math.abs(width);
    if (width < 0) { spec.minus = true; spec.zero = false; }
  } else {
    const digits = /^\d*/.exec(format.slice(i))![0];
    if (digits) spec.width = Number(digits);
    i += digits.length;
  }
  if (format[i] === '.') {
    const digits = /^\d*/.exec(format.slice(i + 1))![0];
    spec.precision = Number(digits || 0);
    i += 1 + digits.length;
  }
  index = argIndex(format, i, cursor);
  i = index.end;
  bad ||= !index.ok;
  const verb = format.codePointAt(i);
  if (verb === undefined) return { text: '%!(NOVERB)', end: i };
  spec.verb = String.fromCodePoint(verb);
  const end = i + spec.verb.length;
  return bad ? { text: `%!${spec.verb}(BADINDEX)`, end } : { spec, end };
}

function formatArg(value: unknown, spec: Spec, depth: number): string {
  switch (kindOf(value)) {
    case 'invalid': case 'nil': return spec.verb === 'v' ? pad('<nil>', spec) : `%!${spec.verb}(<nil>)`;
    case 'bool': return spec.verb === 't' || spec.verb === 'v' ? pad(String(value), spec) : badVerb(value, spec);
    case 'int': return formatInteger(value as number | bigint, spec);
    case 'float': return formatFloatArg(value as number, spec);
    case 'string': return formatString(value as string, spec);
    case 'slice': return `[${(value as unknown[]).map((item) => formatArg(item, spec, depth + 1)).join(' ')}]`;
    case 'map': return formatMap(value as object, spec, depth);
    case 'func': return badVerb(value, spec);
    default: return formatStruct(value as object, spec, depth);
  }
}

function formatMap(map: object, spec: Spec, depth: number): string {
  const pairs = sortedEntries(map).map(([key, item]) => `${formatArg(key, spec, depth + 1)}:${formatArg(item, spec, depth + 1)}`);
  return `map[${pairs.join(' ')}]`;
}

/** Dates print through their String method, as time.Time does; other objects as Go prints a *struct. */
function formatStruct(value: object, spec: Spec, depth: number): string {
  if (value instanceof Date) return formatString(goTimeString(value), spec);
  const fields = Object.values(value).map((field) => formatArg(field, spec, depth + 1));
  return `&{${fields.join(' ')}}`;
}

function badVerb(value: unknown, spec: Spec): string {
  return `%!${spec.verb}(${goTypeName(value)}=${formatValue(value)})`;
}

const INTEGER_BASES: Record<string, number> = { v: 10, d: 10, b: 2, o: 8, O: 8, x: 16, X: 16 };

function formatInteger(value: number | bigint, spec: Spec): string {
  const big = BigInt(value);
  if (spec.verb === 'c') return pad(String.fromCodePoint(Number(big)), spec);
  if (spec.verb === 'q') return pad(goQuoteRune(Number(big)), spec);
  if (spec.verb === 'U') return pad(`U+${(big < 0n ? -big : big).toString(16).toUpperCase().padStart(4, '0')}`, spec);
  if ('eEfFgG'.includes(spec.verb)) return formatFloatArg(Number(value), spec);
  const base = INTEGER_BASES[spec.verb];
  if (!base) return badVerb(value, spec);
  const negative = big < 0n;
  let digits = (negative ? -big : big).toString(base);
  if (spec.verb === 'X') digits = digits.toUpperCase();
  if (spec.precision === 0 && big === 0n) return pad('', { ...spec, zero: false });
  const sign = negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const precision = spec.precision ?? (spec.zero && spec.width !== undefined ? spec.width - sign.length : 0);
  digits = digits.padStart(precision, '0');
  return pad(sign + integerPrefix(spec, digits) + digits, { ...spec, zero: false });
}

function integerPrefix(spec: Spec, digits: string): string {
  if (spec.verb === 'O') return '0o';
  if (!spec.sharp) return '';
  if (spec.verb === 'b') return '0b';
  if (spec.verb === 'o') return digits.startsWith('0') ? '' : '0';
  if (spec.verb === 'x') return '0x';
  return spec.verb === 'X' ? '0X' : '';
}

function formatFloatArg(value: number, spec: Spec): string {
  const verb = spec.verb === 'v' ? 'g' : spec.verb;
  if (!'eEfFgG'.includes(verb)) return badVerb(value, spec);
  const defaultPrecision = 'eEfF'.includes(verb) ? 6 : -1;
  let text = formatFloat(value, verb as 'e', spec.precision ?? defaultPrecision);
  if (!text.startsWith('-')) text = (spec.plus ? '+' : spec.space ? ' ' : '') + text;
  if (/Inf|NaN/.test(text)) return pad(text, { ...spec, zero: false });
  const signed = /^[-+ ]/.test(text);
  if (spec.zero && spec.width !== undefined && signed && spec.width > text.length) {
    return text[0] + '0'.repeat(spec.width - text.length) + text.slice(1);
  }
  return pad(text, spec);
}

function formatString(value: string, spec: Spec): string {
  switch (spec.verb) {
    case 'v': case 's': return pad(truncateRunes(value, spec.precision), spec);
    case 'q': return pad(goQuote(truncateRunes(value, spec.precision)), spec);
    case 'x': case 'X': return pad(hexBytes(value, spec), spec);
    default: return badVerb(value, spec);
  }
}

function truncateRunes(value: string, precision: number | undefined): string {
  return precision === undefined ? value : Array.from(value).slice(0, precision).join('');
}

function hexBytes(value: string, spec: Spec): string {
  const bytes = [...utf8Bytes(value)].slice(0, spec.precision);
  const prefix = spec.sharp ? (spec.verb === 'x' ? '0x' : '0X') : '';
  const parts = bytes.map((byte) => byte.toString(16).padStart(2, '0'));
  const text = spec.space ? parts.map((part) => prefix + part).join(' ') : prefix + parts.join('');
  return spec.verb === 'X' ? text.toUpperCase() : text;
}

/** Pads to the width in runes: spaces on the left, on the right with '-', zeros with '0'. */
function pad(text: string, spec: Spec): string {
  const missing = (spec.width ?? 0) - runeCount(text);
  if (missing <= 0) return text;
  if (spec.minus) return text + ' '.repeat(missing);
  return (spec.zero ? '0' : ' ').repeat(missing) + text;
}
