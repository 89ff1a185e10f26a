// go-units sizes and durations at every boundary, as `docker images`, `docker system df` and `docker ps` print them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesSize, humanSize, humanSizePrecise, timeAgo } from '../../../src/cli/format/units.ts';
import { humanDuration } from '../../../src/go/human-duration.ts';

const sizes: Array<[number, string]> = [
  [0, '0B'], [81, '81B'], [999, '999B'], [1000, '1kB'], [1024, '1.02kB'], [1125, '1.12kB'], [1500, '1.5kB'],
  [12345, '12.3kB'], [999499, '999kB'], [999999, '1e+03kB'], [1000000, '1MB'], [1980000, '1.98MB'],
  [1.1e9, '1.1GB'], [1e18, '1EB'], [1e27, '1e+03YB'],
];

for (const [bytes, expected] of sizes) {
  test(`humanSize(${bytes}) = ${expected}`, () => assert.equal(humanSize(bytes), expected));
}

const preciseSizes: Array<[number, string]> = [[81, '81B'], [1234567, '1.235MB'], [999999, '1000kB'], [9999999, '10MB']];

for (const [bytes, expected] of preciseSizes) {
  test(`humanSizePrecise(${bytes}) = ${expected}`, () => assert.equal(humanSizePrecise(bytes), expected));
}

const binarySizes: Array<[number, string]> = [[0, '0B'], [1023, '1023B'], [1024, '1KiB'], [1572864, '1.5MiB'], [1073741824, '1GiB']];

for (const [bytes, expected] of binarySizes) {
  test(`bytesSize(${bytes}) = ${expected}`, () => assert.equal(bytesSize(bytes), expected));
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const durations: Array<[number, string]> = [
  [-5 * SECOND, 'Less than a second'],
  [999, 'Less than a second'],
  [SECOND, '1 second'],
  [2 * SECOND - 1, '1 second'],
  [2 * SECOND, '2 seconds'],
  [MINUTE - 1, '59 seconds'],
  [MINUTE, 'About a minute'],
  [2 * MINUTE - 1, 'About a minute'],
  [2 * MINUTE, '2 minutes'],
  [HOUR - 1, '59 minutes'],
  [HOUR, 'About an hour'],
  [1.5 * HOUR - 1, 'About an hour'],
  [1.5 * HOUR, '2 hours'],
  [47.5 * HOUR - 1, '47 hours'],
  [47.5 * HOUR, '2 days'],
  [13 * DAY, '13 days'],
  [14 * DAY - 0.5 * HOUR - 1, '13 days'],
  [14 * DAY - 0.5 * HOUR, '2 weeks'],
  [59 * DAY, '8 weeks'],
  [60 * DAY, '2 months'],
  [729 * DAY, '24 months'],
  [730 * DAY, '2 years'],
  [3 * 365 * DAY, '3 years'],
];

for (const [milliseconds, expected] of durations) {
  test(`humanDuration(${milliseconds}ms) = ${expected}`, () => assert.equal(humanDuration(milliseconds), expected));
}

test('timeAgo is the duration since then, plus " ago"', () => {
  assert.equal(timeAgo(new Date(0), new Date(HOUR)), 'About an hour ago');
  assert.equal(timeAgo(new Date(0), new Date(3 * DAY)), '3 days ago');
});
