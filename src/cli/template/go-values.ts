// How plain JS values stand in for Go values: kinds, type names, truth, and maps in Go's key order.

/**
 * A class whose instances reach templates may name its Go type here, so error texts match
 * Docker's (`can't evaluate field X in type *formatter.imageContext`).
 */
export const GO_TYPE_NAME: unique symbol = Symbol.for('wharf.goTypeName');

/**
 * `undefined` is Go's invalid reflect.Value (a missing map entry, printed `<no value>`);
 * `null` is a nil interface or pointer (printed `<nil>`). Plain objects and Maps are Go maps;
 * instances of other classes are structs reached through a pointer.
 */
export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

export function kindOf(value: unknown): Kind {
  if (value === undefined) return 'invalid';
  if (value === null) return 'nil';
  switch (typeof value) {
    case 'boolean': return 'bool';
    case 'string': return 'string';
    case 'bigint': return 'int';
    // Integral numbers beyond int64 can only have been Go floats.
    case 'number': return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? 'int' : 'float';
    case 'function': return 'func';
    case 'object': break;
    default: return 'struct';
  }
  if (Array.isArray(value)) return 'slice';
  return isMapLike(value as object) ? 'map' : 'struct';
}

function isMapLike(value: object): boolean {
  if (value instanceof Map) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function isNumber(value: unknown): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

/** Go's notion of truth used by if, with, and, or, not. */
export function isTrue(value: unknown): boolean {
  switch (kindOf(value)) {
    case 'invalid': case 'nil': return false;
    case 'bool': return value as boolean;
    case 'int': case 'float': return (value as number | bigint) != 0;
    case 'string': case 'slice': return (value as string | unknown[]).length > 0;
    case 'map': return mapSize(value as object) > 0;
    default: return true;
  }
}

function mapSize(map: object): number {
  return map instanceof Map ? map.size : Object.keys(map).length;
}

/** A map entry by key; `undefined` when absent, as Go's MapIndex gives an invalid value. */
export function mapGet(map: object, key: unknown): unknown {
  if (map instanceof Map) return map.get(key);
  return typeof key === 'string' && Object.hasOwn(map, key) ? (map as Record<string, unknown>)[key] : undefined;
}

export function mapLength(map: object): number {
  return mapSize(map);
}

/** Entries in the order Go's fmtsort visits them: numbers numerically, strings bytewise. */
export function sortedEntries(map: object): Array<[unknown, unknown]> {
  const entries: Array<[unknown, unknown]> = map instanceof Map ? [...map] : Object.entries(map);
  return entries.sort(([a], [b]) => compareKeys(a, b));
}

function compareKeys(a: unknown, b: unknown): number {
  if (isNumber(a) && isNumber(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

export function mapValues(map: object): unknown[] {
  return sortedEntries(map).map(([, value]) => value);
}

/** The Go type name error messages show; element types are inferred when uniform. */
export function goTypeName(value: unknown): string {
  switch (kindOf(value)) {
    case 'invalid': case 'nil': return 'interface {}';
    case 'bool': return 'bool';
    case 'int': return typeof value === 'bigint' ? 'int64' : 'int';
    case 'float': return 'float64';
    case 'string': return 'string';
    case 'func': return 'func()';
    case 'slice': return `[]${elementTypeName(value as unknown[])}`;
    case 'map': return `map[string]${elementTypeName(mapValues(value as object))}`;
    default: return structTypeName(value as object);
  }
}

function elementTypeName(values: unknown[]): string {
  const names = new Set(values.map((value) => (value === null || value === undefined ? 'interface {}' : goTypeName(value))));
  return names.size === 1 ? [...names][0] : 'interface {}';
}

function structTypeName(value: object): string {
  if (value instanceof Date) return 'time.Time';
  const declared = (value as { [GO_TYPE_NAME]?: unknown })[GO_TYPE_NAME];
  if (typeof declared === 'string') return declared;
  const name = value.constructor?.name ?? '';
  return name ? `*formatter.${name[0].toLowerCase()}${name.slice(1)}` : 'struct {}';
}
