// Go text/template's predefined functions: and or not len index slice print printf println eq ne lt le gt ge html js urlquery.
import type { FunctionMap, TemplateFunction } from './functions.ts';
import { sprint, sprintf, sprintln } from './go-fmt.ts';
import { byteLength, byteSlice, isPrintable, utf8Bytes } from './go-strings.ts';
import { goTypeName, isNumber, isTrue, kindOf, mapGet, mapLength, mapValues } from './go-values.ts';

/** and/or short-circuit, so the executor evaluates them itself; these entries give their signatures. */
export const AND: TemplateFunction = { params: ['value'], variadic: 'value', call: () => undefined };
export const OR: TemplateFunction = { params: ['value'], variadic: 'value', call: () => undefined };

/** JSON's null usually stands for a Go nil slice or map, whose length is 0. */
function length(item: unknown): number {
  if (item === null) return 0;
  switch (kindOf(item)) {
    case 'string': return byteLength(item as string);
    case 'slice': return (item as unknown[]).length;
    case 'map': return mapLength(item as object);
    case 'invalid': throw new Error('reflect: call of reflect.Value.Type on zero Value');
    default: throw new Error(`len of type ${goTypeName(item)}`);
  }
}

function indexArg(index: unknown, cap: number): number {
  if (index == null) throw new Error('cannot index slice/array with nil');
  if (kindOf(index) !== 'int') throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  const x = Number(index);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

/**
 * Go returns the zero value of the map's element type for a missing key. JS maps carry no element
 * type, so it is guessed from the values present; an empty map is taken as Docker's usual
 * map[string]string, making `index .Labels "x"` print nothing as it does in Docker.
 */
function zeroValueOf(map: object): unknown {
  const sample = mapValues(map)[0];
  switch (kindOf(sample)) {
    case 'invalid': case 'string': return '';
    case 'int': case 'float': return 0;
    case 'bool': return false;
    default: return null;
  }
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined) throw new Error('index of untyped nil');
  return indexes.reduce((current, key) => indexOnce(current, key), item);
}

/** null indexes as a nil map (by a string key) or a nil slice, as JSON's null usually stands for one. */
function indexOnce(item: unknown, key: unknown): unknown {
  if (item === null) item = typeof key === 'string' ? {} : [];
  switch (kindOf(item)) {
    case 'slice': {
      const list = item as unknown[];
      const x = indexArg(key, list.length);
      if (x === list.length) throw new Error('reflect: slice index out of range');
      return list[x];
    }
    case 'string': {
      const bytes = utf8Bytes(item as string);
      const x = indexArg(key, bytes.length);
      if (x === bytes.length) throw new Error('reflect: string index out of range');
      return bytes[x];
    }
    case 'map': {
      if (!(item instanceof Map) && typeof key !== 'string') {
        throw new Error(key == null ? 'value is nil; should be of type string' : `value has type ${goTypeName(key)}; should be string`);
      }
      const value = mapGet(item as object, key);
      return value === undefined ? zeroValueOf(item as object) : value;
    }
    default: throw new Error(`can't index item of type ${goTypeName(item)}`);
  }
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item == null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const kind = kindOf(item);
  if (kind === 'string' && indexes.length === 3) throw new Error('cannot 3-index slice a string');
  if (kind !== 'string' && kind !== 'slice') throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const cap = kind === 'string' ? byteLength(item as string) : (item as unknown[]).length;
  const bounds = [0, cap, cap];
  indexes.forEach((value, i) => { bounds[i] = indexArg(value, cap); });
  if (bounds[0] > bounds[1]) throw new Error(`invalid slice index: ${bounds[0]} > ${bounds[1]}`);
  if (indexes.length === 3 && bounds[1] > bounds[2]) throw new Error(`invalid slice index: ${bounds[1]} > ${bounds[2]}`);
  return kind === 'string' ? byteSlice(item as string, bounds[0], bounds[1]) : (item as unknown[]).slice(bounds[0], bounds[1]);
}

type BasicKind = 'bool' | 'number' | 'string' | undefined;

/** Go compares only basic kinds; JS cannot tell an int from a float, so all numbers compare. */
function basicKind(value: unknown): BasicKind {
  if (isNumber(value)) return 'number';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'string' ? 'string' : undefined;
}

function eq(first: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new Error('missing argument for comparison');
  return others.some((other) => equalTo(first, other));
}

function equalTo(a: unknown, b: unknown): boolean {
  const kindA = basicKind(a);
  const kindB = basicKind(b);
  if (kindA !== kindB) {
    if (a != null && b != null) throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
    return false;
  }
  if (kindA) return a == b;
  if (a == null || b == null) return a == null && b == null;
  if (kindOf(a) !== kindOf(b)) throw new Error(`non-comparable types ${sprint([a])}: ${goTypeName(a)}, ${goTypeName(b)}: ${sprint([b])}`);
  if (['slice', 'map', 'func'].includes(kindOf(b))) throw new Error(`non-comparable type ${sprint([b])}: ${goTypeName(b)}`);
  return a === b;
}

function lt(a: unknown, b: unknown): boolean {
  const kindA = basicKind(a);
  const kindB = basicKind(b);
  if (!kindA || !kindB) throw new Error('invalid type for comparison');
  if (kindA !== kindB) throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
  if (kindA === 'bool') throw new Error('invalid type for comparison');
  return (a as number | string) < (b as number | string);
}

/** The text html, js and urlquery escape: like fmt.Sprint, with a missing value printed as Go prints it. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((arg) => (arg == null ? '<no value>' : arg)));
}

const HTML_ESCAPES: Record<string, string> = { '\0': '\ufffd', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const JS_ESCAPES: Record<string, string> = {
  '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D',
};

function jsEscape(text: string): string {
  return text.replace(/[\\'"<>&=\x00-\x1f]|[^\x00-\x7f]/gu, (char) => {
    if (JS_ESCAPES[char]) return JS_ESCAPES[char];
    const code = char.codePointAt(0)!;
    if (code < 0x20) return `\\u00${code.toString(16).toUpperCase().padStart(2, '0')}`;
    return isPrintable(char) ? char : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/** url.QueryEscape: everything but unreserved characters escaped, spaces as '+'. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

export const BUILTINS: FunctionMap = {
  and: AND,
  or: OR,
  not: { params: ['value'], call: (value: unknown) => !isTrue(value) },
  len: { params: ['value'], call: length },
  index: { params: ['value'], variadic: 'value', call: index },
  slice: { params: ['value'], variadic: 'value', call: slice },
  print: { params: [], variadic: 'any', call: (...args: unknown[]) => sprint(args) },
  printf: { params: ['string'], variadic: 'any', call: (format: string, ...args: unknown[]) => sprintf(format, args) },
  println: { params: [], variadic: 'any', call: (...args: unknown[]) => sprintln(args) },
  eq: { params: ['value'], variadic: 'value', call: eq },
  ne: { params: ['value', 'value'], call: (a: unknown, b: unknown) => !eq(a, b) },
  lt: { params: ['value', 'value'], call: lt },
  le: { params: ['value', 'value'], call: (a: unknown, b: unknown) => lt(a, b) || eq(a, b) },
  gt: { params: ['value', 'value'], call: (a: unknown, b: unknown) => !(lt(a, b) || eq(a, b)) },
  ge: { params: ['value', 'value'], call: (a: unknown, b: unknown) => !lt(a, b) },
  html: { params: [], variadic: 'any', call: (...args: unknown[]) => evalArgs(args).replace(/[\0"'&<>]/g, (char) => HTML_ESCAPES[char]) },
  js: { params: [], variadic: 'any', call: (...args: unknown[]) => jsEscape(evalArgs(args)) },
  urlquery: { params: [], variadic: 'any', call: (...args: unknown[]) => queryEscape(evalArgs(args)) },
};
