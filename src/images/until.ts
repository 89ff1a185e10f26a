// Docker's `until=` filter values: a timestamp (RFC 3339, date, or Unix seconds) or a duration before now.
import { InvalidArgumentError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseUntil(value: string, now = Date.now()): number {
  const duration = parseGoDuration(value);
  if (duration !== undefined) return now - duration;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const parsed = Date.parse(value);
  if (!Number.isNaN(parsed)) return parsed;
  throw new InvalidArgumentError(`failed to parse value as time or duration: "${value}"`);
}

/** Go's time.ParseDuration: `10m`, `1h30m`, `24h`. */
function parseGoDuration(value: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of value.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}
