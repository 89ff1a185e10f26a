// rfc3339Nano: how `docker inspect` prints an image's Created time (Go's time.RFC3339Nano of the parsed config time).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rfc3339Nano } from '../../../src/go/time.ts';

describe('rfc3339Nano', () => {
  // Each row checked against `docker image inspect -f '{{json .Created}}'` on Docker 20.10.
  const rows: Array<[string, string]> = [
    ['2023-11-14T22:13:20Z', '2023-11-14T22:13:20Z'],
    ['2023-11-14T22:13:20.000Z', '2023-11-14T22:13:20Z'],
    ['2023-11-14T22:13:20.120000Z', '2023-11-14T22:13:20.12Z'],
    ['2023-11-14T22:13:20.123456789Z', '2023-11-14T22:13:20.123456789Z'],
    ['2023-11-14T22:13:20.000000001Z', '2023-11-14T22:13:20.000000001Z'],
    // Go keeps the offset the time was written with
    ['2023-11-14T23:13:20+01:00', '2023-11-14T23:13:20+01:00'],
    ['2023-11-14T23:13:20.5+01:00', '2023-11-14T23:13:20.5+01:00'],
    ['2023-11-14T20:13:20.500-02:00', '2023-11-14T20:13:20.5-02:00'],
    // …except a zero offset, which Go prints as Z
    ['2023-11-14T22:13:20+00:00', '2023-11-14T22:13:20Z'],
  ];
  for (const [input, expected] of rows) {
    it(`${input} → ${expected}`, () => assert.equal(rfc3339Nano(input), expected));
  }

  it('prints a JavaScript ISO string (LastTagTime) without trailing zeros', () => {
    assert.equal(rfc3339Nano(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600)).toISOString()), '2024-01-02T03:04:05.6Z');
    assert.equal(rfc3339Nano(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 0)).toISOString()), '2024-01-02T03:04:05Z');
  });
});
