// Docker's `until=` values for prune and `images --filter`: Go durations before now, Unix seconds, RFC 3339 times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { parseUntil } from '../../../src/images/until.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');

describe('parseUntil', () => {
  const durations: Array<[string, number]> = [
    ['10m', 10 * 60_000],
    ['24h', 24 * 3_600_000],
    ['1h30m', 90 * 60_000],
    ['1.5h', 90 * 60_000],
    ['90s', 90_000],
    ['300ms', 300],
    ['2h45m30s', (2 * 3600 + 45 * 60 + 30) * 1000],
  ];
  for (const [value, ago] of durations) {
    it(`${value} is that long before now`, () => assert.equal(parseUntil(value, NOW), NOW - ago));
  }

  const timestamps: Array<[string, number]> = [
    ['1700000000', 1_700_000_000_000],
    ['1700000000.5', 1_700_000_000_500],
    ['0', 0],
    ['2023-11-14T22:13:20Z', 1_700_000_000_000],
    ['2023-11-14T23:13:20+01:00', 1_700_000_000_000],
    ['2023-11-14T22:13:20.250Z', 1_700_000_000_250],
  ];
  for (const [value, expected] of timestamps) {
    it(`${value} is an absolute time`, () => assert.equal(parseUntil(value, NOW), expected));
  }

  it('does not depend on now for absolute times', () => {
    assert.equal(parseUntil('1700000000', NOW), parseUntil('1700000000', NOW + 86_400_000));
  });

  for (const value of ['xyz', '', '10x', 'h', '1 h', '--5m']) {
    it(`rejects ${JSON.stringify(value)} with Docker's message`, () => {
      assert.throws(() => parseUntil(value, NOW), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, `failed to parse value as time or duration: "${value}"`);
        return true;
      });
    });
  }
});
