// Reading a request's query as Docker's daemon does: booleans as 1/true, `filters` as JSON, repeated names.
import { InvalidArgumentError } from '../errors.ts';

export function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value !== null && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * `filters={"dangling":{"true":true},"label":{"a=b":true}}` (or the old `{"dangling":["true"]}`) as the CLI's
 * `key=value` strings, which the core's filters validate.
 */
export function queryFilters(query: URLSearchParams): string[] {
  const raw = query.get('filters');
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidArgumentError(`invalid filter: ${raw}`);
  return Object.entries(parsed as Record<string, unknown>).flatMap(([key, values]) => filterValues(values).map((value) => `${key}=${value}`));
}

function filterValues(values: unknown): string[] {
  if (Array.isArray(values)) return values.map(String);
  if (typeof values === 'object' && values !== null) return Object.entries(values).filter(([, on]) => on === true).map(([value]) => value);
  throw new InvalidArgumentError(`invalid filter value: ${JSON.stringify(values)}`);
}

/** A resize's `h` or `w` (a container's or an exec's), parsed as dockerd's uint32, with its words for a value that is none. */
export function terminalDimension(query: URLSearchParams, key: string, what: string): number {
  const text = query.get(key) ?? '';
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`invalid resize ${what} "${text}": invalid syntax`);
  if (Number(text) > 0xffffffff) throw new InvalidArgumentError(`invalid resize ${what} "${text}": value out of range`);
  return Number(text);
}
