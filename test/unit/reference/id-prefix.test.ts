// Table tests for resolving short image IDs, including ambiguous prefixes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { AmbiguousIdPrefixError, resolveIdPrefix } from '../../../src/reference/id-prefix.ts';

const A = `sha256:4f2a${'0'.repeat(60)}`;
const B = `sha256:4f2b${'1'.repeat(60)}`;
const C = `sha256:9c${'2'.repeat(62)}`;
const IDS = [A, B, C];

describe('resolveIdPrefix', () => {
  const rows: Array<[string, string | undefined]> = [
    ['4f2a', A],
    ['sha256:4f2b', B],
    ['9', C],
    ['sha256:9', C],
    [A.slice('sha256:'.length), A],
    [A, A],
    ['4f2c', undefined],
    ['sha256:', undefined],
    ['', undefined],
    ['4F2A', undefined],
    ['sha512:4f2a', undefined],
    ['ubuntu', undefined],
  ];
  for (const [input, expected] of rows) {
    it(JSON.stringify(input), () => assert.equal(resolveIdPrefix(IDS, input), expected));
  }

  it('counts an ID listed twice once', () => {
    assert.equal(resolveIdPrefix([A, A, C], '4f'), A);
  });

  const ambiguous: Array<[string, string[]]> = [
    ['4f', [A, B]],
    ['sha256:4f2', [A, B]],
  ];
  for (const [input, matches] of ambiguous) {
    it(`${input} is ambiguous`, () => {
      assert.throws(() => resolveIdPrefix([C, B, A], input), (error: unknown) => {
        assert.ok(error instanceof AmbiguousIdPrefixError);
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, 'ambiguous reference');
        assert.equal(error.prefix, input);
        assert.deepEqual(error.matches, matches);
        return true;
      });
    });
  }
});
