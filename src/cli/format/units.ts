// docker/go-units sizes and durations, digit for digit: `1.98MB`, `1.5MiB`, `About an hour`.
import { formatFloat } from '../template/go-float.ts';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scale(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]];
}

/**
 * go-units HumanSizeWithPrecision: Go's `%.*g` of the scaled size, rounding half to even on the
 * exact value, so 1125 bytes is `1.12kB` and 999999 bytes is `1e+03kB`, exactly as Docker prints them.
 */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  const key = `${bytes}/${precision}`;
  let text = formatted.get(key);
  if (text === undefined) {
    const [size, unit] = scale(bytes, 1000, DECIMAL_UNITS);
    formatted.set(key, (text = formatFloat(size, 'g', precision) + unit));
  }
  return text;
}

/** Exact Go rounding is costly and listings repeat sizes (every tag of an image), so each is formatted once. */
const formatted = new Map<string, string>();

/** The 3-digit size of `docker images`, `docker ps --size`, `docker history` and build cache (`81B`, `1.98MB`). */
export function humanSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 3);
}

/** go-units HumanSize (4 digits): `docker system df`, shared/unique and virtual sizes, volumes, prune totals. */
export function humanSizePrecise(bytes: number): string {
  return humanSizeWithPrecision(bytes, 4);
}

/** go-units BytesSize: binary units with 4 digits (`1.5MiB`), as in `docker info`'s Total Memory. */
export function bytesSize(bytes: number): string {
  const [size, unit] = scale(bytes, 1024, BINARY_UNITS);
  return formatFloat(size, 'g', 4) + unit;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** go-units HumanDuration of a span in milliseconds: hours round to nearest, everything else truncates. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(milliseconds / MINUTE);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(milliseconds / HOUR + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(milliseconds / HOUR) / 24 / 365)} years`;
}

/** Docker's CreatedSince: the human duration from then to now, plus " ago". */
export function timeAgo(then: Date, now: Date): string {
  return `${humanDuration(now.getTime() - then.getTime())} ago`;
}
