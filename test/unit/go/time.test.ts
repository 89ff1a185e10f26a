// Go's time.Time renderings: String() for CreatedAt, RFC 3339, and RFC 3339 with trimmed nanoseconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goTimeString, rfc3339, rfc3339Nano } from '../../../src/go/time.ts';

const at = new Date(Date.UTC(2023, 10, 14, 22, 13, 20));
const withMillis = new Date(Date.UTC(2023, 10, 14, 22, 13, 20, 500));

const cases: Array<[string, () => string, string]> = [
  ['String() of a whole second', () => goTimeString(at), '2023-11-14 22:13:20 +0000 UTC'],
  ['String() with a fraction', () => goTimeString(withMillis), '2023-11-14 22:13:20.5 +0000 UTC'],
  ['String() keeps nanoseconds', () => goTimeString('2023-11-14T22:13:20.123456789Z'), '2023-11-14 22:13:20.123456789 +0000 UTC'],
  ['String() keeps an offset', () => goTimeString('2023-11-14T22:13:20+02:00'), '2023-11-14 22:13:20 +0200 +0200'],
  ['String() of a negative offset', () => goTimeString('2023-11-14T22:13:20-00:30'), '2023-11-14 22:13:20 -0030 -0030'],
  ['String() of the zero time', () => goTimeString('0001-01-01T00:00:00Z'), '0001-01-01 00:00:00 +0000 UTC'],
  ['RFC 3339 drops the fraction', () => rfc3339(withMillis), '2023-11-14T22:13:20Z'],
  ['RFC 3339 keeps the offset', () => rfc3339('2023-11-14T22:13:20.5+05:30'), '2023-11-14T22:13:20+05:30'],
  ['RFC 3339 Nano trims zeros', () => rfc3339Nano('2023-11-14T22:13:20.120000000Z'), '2023-11-14T22:13:20.12Z'],
  ['RFC 3339 Nano of a whole second', () => rfc3339Nano(at), '2023-11-14T22:13:20Z'],
  ['RFC 3339 Nano of milliseconds', () => rfc3339Nano(withMillis), '2023-11-14T22:13:20.5Z'],
];

for (const [name, render, expected] of cases) {
  test(`time: ${name}`, () => assert.equal(render(), expected));
}

test('time: a string that is not RFC 3339 is refused', () => {
  assert.throws(() => rfc3339('yesterday'), { message: 'invalid RFC 3339 time "yesterday"' });
});
