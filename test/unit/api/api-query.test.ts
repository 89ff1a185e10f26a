import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryFilters, queryFlag } from '../../../src/api/api-query.ts';
import { InvalidArgumentError } from '../../../src/errors.ts';

const query = (text: string) => new URLSearchParams(text);

describe('Engine API query', () => {
  it('reads booleans as Docker does: 1 and true are set, 0, false and empty are not', () => {
    assert.deepEqual(['all=1', 'all=true', 'all=True', 'all=0', 'all=false', 'all=', ''].map((text) => queryFlag(query(text), 'all')), [true, true, true, false, false, false, false]);
  });

  it("turns filters in the map form the docker CLI sends, and the older list form, into the CLI's key=value", () => {
    const map = JSON.stringify({ dangling: { true: true }, label: { 'a=b': true, off: false }, reference: { 'busybox:*': true } });
    assert.deepEqual(queryFilters(query(`filters=${encodeURIComponent(map)}`)), ['dangling=true', 'label=a=b', 'reference=busybox:*']);
    assert.deepEqual(queryFilters(query(`filters=${encodeURIComponent('{"dangling":["false"]}')}`)), ['dangling=false']);
    assert.deepEqual(queryFilters(query('')), []);
  });

  it('refuses filters that are not JSON objects of values', () => {
    for (const bad of ['{bad', '"text"', 'null', '{"dangling":"true"}']) {
      assert.throws(() => queryFilters(query(`filters=${encodeURIComponent(bad)}`)), InvalidArgumentError, bad);
    }
  });
});
