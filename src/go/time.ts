// Go's renderings of a time.Time: String() (`2023-11-14 22:13:20 +0000 UTC`), RFC 3339 and RFC 3339 with nanoseconds.
import { InvalidArgumentError } from '../errors.ts';

/** A wall-clock reading with Go's precision and the zone offset it was written in. */
interface GoTime {
  wall: Date;
  nanos: number;
  offsetMinutes: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Accepts a Date (shown in UTC, as Docker shows times on a UTC host) or an RFC 3339 string,
 * whose nanoseconds and zone offset are kept as Go keeps them when it parses one.
 */
function toGoTime(time: Date | string): GoTime {
  if (time instanceof Date) {
    if (Number.isNaN(time.getTime())) throw new InvalidArgumentError('invalid time', { fromDaemon: false });
    return { wall: time, nanos: time.getUTCMilliseconds() * 1e6, offsetMinutes: 0 };
  }
  const match = RFC3339.exec(time);
  if (!match) throw new InvalidArgumentError(`invalid RFC 3339 time "${time}"`, { fromDaemon: false });
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  const wall = new Date(0);
  wall.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  wall.setUTCHours(Number(hour), Number(minute), Number(second), 0);
  return { wall, nanos: Number(fraction.padEnd(9, '0')), offsetMinutes: zoneOffset(zone) };
}

function zoneOffset(zone: string): number {
  if (/^[Zz]$/.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

function dateAndClock(wall: Date, separator: string): string {
  const date = `${String(wall.getUTCFullYear()).padStart(4, '0')}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}`;
  return `${date}${separator}${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}:${two(wall.getUTCSeconds())}`;
}

/** Go's `.999999999`: the fraction with trailing zeros dropped, nothing at all when zero. */
function trimmedFraction(nanos: number): string {
  return nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
}

function offset(offsetMinutes: number, colon: boolean): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  return `${sign}${two(Math.floor(magnitude / 60))}${colon ? ':' : ''}${two(magnitude % 60)}`;
}

/** time.Time.String(), as `docker images --format '{{.CreatedAt}}'` prints it. */
export function goTimeString(time: Date | string): string {
  const { wall, nanos, offsetMinutes } = toGoTime(time);
  const zoneName = offsetMinutes === 0 ? 'UTC' : offset(offsetMinutes, false);
  return `${dateAndClock(wall, ' ')}${trimmedFraction(nanos)} ${offset(offsetMinutes, false)} ${zoneName}`;
}

function rfc3339Zone(offsetMinutes: number): string {
  return offsetMinutes === 0 ? 'Z' : offset(offsetMinutes, true);
}

/** time.RFC3339: whole seconds (`2023-11-14T22:13:20Z`). */
export function rfc3339(time: Date | string): string {
  const { wall, offsetMinutes } = toGoTime(time);
  return `${dateAndClock(wall, 'T')}${rfc3339Zone(offsetMinutes)}`;
}

/** How Go marshals a time.Time to JSON: RFC 3339 with nanoseconds, and the zero time where there is none. */
export function goJsonTime(time: Date | string | null | undefined): string {
  return time ? rfc3339Nano(time) : '0001-01-01T00:00:00Z';
}

/** time.RFC3339Nano, which is also how Go marshals a time to JSON: the fraction loses trailing zeros. */
export function rfc3339Nano(time: Date | string): string {
  const { wall, nanos, offsetMinutes } = toGoTime(time);
  return `${dateAndClock(wall, 'T')}${trimmedFraction(nanos)}${rfc3339Zone(offsetMinutes)}`;
}
