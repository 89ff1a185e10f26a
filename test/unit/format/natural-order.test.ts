// The docker CLI's natural name order, as fvbommel/sortorder's NaturalLess sorts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { naturalCompare } from '../../../src/cli/format/natural-order.ts';

const sorted = (names: string[]) => [...names].sort(naturalCompare);

it('compares runs of digits by value', () => {
  assert.deepEqual(sorted(['v10', 'v2', 'v1']), ['v1', 'v2', 'v10']);
});

it('puts digits before any other character, even punctuation', () => {
  assert.deepEqual(sorted(['a-b', 'a1', 'data', '9f']), ['9f', 'a1', 'a-b', 'data']);
});

it('orders equal values by their leading zeros, and a prefix first', () => {
  assert.deepEqual(sorted(['x007', 'x7', 'x07', 'x']), ['x', 'x7', 'x07', 'x007']);
});

it('is plain byte order for names without digits', () => {
  assert.deepEqual(sorted(['labelled', 'data', 'Data']), ['Data', 'data', 'labelled']);
});
