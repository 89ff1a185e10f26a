// Go literal syntax for template constants: strconv.Unquote for strings and runes, Go's integer and float forms.
import { goQuote } from './go-strings.ts';

const SYNTAX = 'invalid syntax';
const CONTROL_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
const HEX_LENGTHS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** strconv.Unquote of a "double-quoted" or `raw` string token. */
export function unquote(token: string): string {
  if (token.startsWith('`')) return token.slice(1, -1).replaceAll('\r', '');
  let rest = token.slice(1, -1);
  let out = '';
  while (rest) {
    const { char, tail } = unquoteChar(rest, '"');
    out += char;
    rest = tail;
  }
  return out;
}

/** strconv.UnquoteChar: one possibly escaped character off the front of text. */
function unquoteChar(text: string, quote: string): { char: string; tail: string } {
  const first = String.fromCodePoint(text.codePointAt(0)!);
  if (first === quote) throw new Error(SYNTAX);
  if (first !== '\\') return { char: first, tail: text.slice(first.length) };
  const kind = text[1] ?? '';
  if (CONTROL_ESCAPES[kind]) return { char: CONTROL_ESCAPES[kind], tail: text.slice(2) };
  if (kind === "'" || kind === '"') {
    if (kind !== quote) throw new Error(SYNTAX);
    return { char: kind, tail: text.slice(2) };
  }
  if (HEX_LENGTHS[kind]) return numericEscape(text, HEX_LENGTHS[kind], 16, kind === 'x' ? 0xff : 0x10ffff);
  if (/^[0-7]$/.test(kind)) return numericEscape(text, 3, 8, 0xff, 1);
  throw new Error(SYNTAX);
}

function numericEscape(text: string, length: number, radix: number, max: number, skip = 2): { char: string; tail: string } {
  const digits = text.slice(skip, skip + length);
  const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
  if (digits.length !== length || !pattern.test(digits)) throw new Error(SYNTAX);
  const value = parseInt(digits, radix);
  if (value > max || (value >= 0xd800 && value <= 0xdfff)) throw new Error(SYNTAX);
  return { char: String.fromCodePoint(value), tail: text.slice(skip + length) };
}

export interface NumberValue {
  value: number;
  isInt: boolean;
  isFloat: boolean;
}

/** A character constant such as 'a' or '\n' is the integer value of its rune. */
export function parseCharConstant(text: string): NumberValue {
  const { char, tail } = unquoteChar(text.slice(1), "'");
  if (tail !== "'") throw new Error(`malformed character constant: ${text}`);
  return { value: char.codePointAt(0)!, isInt: true, isFloat: true };
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;
const INTEGER_FORMS: Array<[RegExp, number]> = [
  [/^0[xX](_?[0-9a-fA-F])+$/, 16], [/^0[bB](_?[01])+$/, 2], [/^0[oO](_?[0-7])+$/, 8], [/^0(_?[0-7])+$/, 8], [/^(0|[1-9](_?[0-9])*)$/, 10],
];
const DECIMAL_FLOAT = /^(?=\.?\d)(\d(_?\d)*)?(\.(\d(_?\d)*)?)?([eE][+-]?\d(_?\d)*)?$/;

/** Go's number constants: an integer when the text reads as one (or the float is integral), else a float. */
export function parseNumber(text: string): NumberValue {
  // Go reads 4i or 1+2i as complex; wharf has no complex values, so it refuses them here.
  if (text.endsWith('i') && text.length > 1 && !Number.isNaN(Number(text.slice(0, -1).replaceAll('_', '')))) {
    throw new Error(`complex constants are not supported: ${text}`);
  }
  const integer = parseInteger(text);
  if (integer !== undefined) {
    if (integer > UINT64_MAX || integer < INT64_MIN) throw new Error(`integer overflow: ${text}`);
    // Between int64 and uint64 Go holds it as a uint, which no template value can take: "overflows int".
    const fits = integer <= INT64_MAX;
    return { value: Number(integer), isInt: fits, isFloat: fits };
  }
  const unsigned = text.replace(/^[+-]/, '');
  if (!DECIMAL_FLOAT.test(unsigned)) throw new Error(`illegal number syntax: ${goQuote(text)}`);
  if (!/[.eE]/.test(text)) throw new Error(`integer overflow: ${text}`);
  const value = Number(text.replaceAll('_', ''));
  return { value, isInt: Number.isInteger(value) && Math.abs(value) < 2 ** 63, isFloat: true };
}

function parseInteger(text: string): bigint | undefined {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  for (const [pattern, radix] of INTEGER_FORMS) {
    if (!pattern.test(unsigned)) continue;
    const digits = unsigned.replace(/^0[xXbBoO]?/, '').replaceAll('_', '') || '0';
    const magnitude = [...digits].reduce((sum, digit) => sum * BigInt(radix) + BigInt(parseInt(digit, radix)), 0n);
    return negative ? -magnitude : magnitude;
  }
  return undefined;
}
