// Go's time.ParseDuration, as HEALTHCHECK's --interval, --timeout and --start-period take their values.
import { InvalidArgumentError } from '../../errors.ts';

const UNIT_NANOSECONDS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds in `1m30s`, `500ms`, `2h`; a bare `0` is zero. */
export function parseGoDuration(text: string, flag: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((part) => part[0]).join('') !== text) throw new InvalidArgumentError(`invalid argument "${text}" for "${flag}" flag: time: invalid duration "${text}"`);
  return Math.round(parts.reduce((sum, part) => sum + Number(part[1]) * UNIT_NANOSECONDS[part[2]], 0));
}
