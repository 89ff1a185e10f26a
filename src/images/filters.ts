// Docker's `--filter key=value` arguments: parsing, and validation against the keys a command accepts.
import { InvalidArgumentError } from '../errors.ts';

export type Filters = Map<string, string[]>;

export function parseFilters(args: string[], accepted: readonly string[]): Filters {
  const filters: Filters = new Map();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError('bad format of filter (expected name=value)', { fromDaemon: false });
    const key = arg.slice(0, eq).trim().toLowerCase();
    const value = arg.slice(eq + 1);
    if (!accepted.includes(key)) throw new InvalidArgumentError(`Invalid filter '${key}'`);
    filters.set(key, [...(filters.get(key) ?? []), value]);
  }
  return filters;
}

/** `dangling=true|1|false|0`, as Docker accepts it. */
export function booleanFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (!values) return undefined;
  const truthy = values.map((value) => {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    throw new InvalidArgumentError(`Invalid filter '${key}=[${value}]'`);
  });
  return truthy.some(Boolean);
}

/** `label=key` or `label=key=value`: true when every such filter matches the labels. */
export function matchLabels(filters: string[] | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!filters) return true;
  return filters.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return labels != null && Object.hasOwn(labels, filter);
    return labels != null && labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}
