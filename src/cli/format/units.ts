// docker/go-units sizes and durations, digit for digit: `1.98MB`, `1.5MiB`, `About an hour`.
import { humanDuration } from '../../go/human-duration.ts';
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


/** Docker's CreatedSince: the human duration from then to now, plus " ago". */
export function timeAgo(then: Date, now: Date): string {
  return `${humanDuration(now.getTime() - then.getTime())} ago`;
}
