// Table tests for Go path.Match globs and Docker's reference filter built on them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { goMatch as matchGlob } from '../../../src/go/path.ts';
import { matchesReferencePattern } from '../../../src/reference/pattern.ts';
import { parseReference } from '../../../src/reference/reference.ts';

const SHA = `sha256:${'ab'.repeat(32)}`;

describe('matchGlob (Go path.Match)', () => {
  // [pattern, name, matches]; many rows are Go's own path.Match cases.
  const rows: Array<[string, string, boolean]> = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['a[\\-]b', 'a-b', true],
    ['[\\]a]', ']', true],
    ['[x\\-]', 'z', false],
    ['*x', 'xxx', true],
    ['a?b', 'a/b', false],
    // Unlike `?` and `*`, a class may match a slash.
    ['a[/]b', 'a/b', true],
    ['', '', true],
    ['', 'a', false],
    // Go's strategy commits each starred chunk to its leftmost match: no backtracking into `/`.
    ['*a[a/]*d', 'aa/d', false],
  ];
  for (const [pattern, name, expected] of rows) {
    it(`${JSON.stringify(pattern)} ~ ${JSON.stringify(name)}`, () => assert.equal(matchGlob(pattern, name), expected));
  }

  const malformed = ['[', '[^', '[^bc', 'a[', 'a[]', 'ab\\', 'a[\\', '[a-', '[a-]', '[]a]', '[-]', '[x-]', '[-x]', '[\\]', '*[', 'a*[x', '[]*]'];
  for (const pattern of malformed) {
    it(`${JSON.stringify(pattern)} is a syntax error`, () => {
      assert.throws(() => matchGlob(pattern, 'a'), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, 'syntax error in pattern');
        return true;
      });
    });
  }
});

describe('matchesReferencePattern (Docker FamiliarMatch)', () => {
  // [pattern, stored reference, matches]
  const rows: Array<[string, string, boolean]> = [
    ['ubuntu', 'ubuntu:24.04', true],
    ['ubuntu:24.04', 'ubuntu:24.04', true],
    ['ubuntu:2*', 'ubuntu:24.04', true],
    ['ubuntu:22*', 'ubuntu:24.04', false],
    ['ub*', 'ubuntu:24.04', true],
    ['*', 'ubuntu:24.04', true],
    ['*', 'team/app:1', false],
    ['*/*', 'team/app:1', true],
    ['team/*', 'team/app:1', true],
    ['*/app:1', 'team/app:1', true],
    ['library/ubuntu', 'ubuntu:24.04', false],
    ['docker.io/library/ubuntu', 'ubuntu:24.04', false],
    ['docker.io/*', 'ubuntu:24.04', false],
    ['localhost:5000/*', 'localhost:5000/app:dev', true],
    ['localhost:5000/app:d?v', 'localhost:5000/app:dev', true],
    ['*/*/*', 'registry.example:5000/team/app:v1', true],
    ['ubuntu@sha256:*', `ubuntu@${SHA}`, true],
    ['ubuntu', `ubuntu@${SHA}`, true],
    ['ubuntu:[0-9]*', 'ubuntu:24.04', true],
    ['ubuntu:[^0-9]*', 'ubuntu:24.04', false],
  ];
  for (const [pattern, stored, expected] of rows) {
    it(`${pattern} ~ ${stored}`, () => {
      assert.equal(matchesReferencePattern(pattern, parseReference(stored)), expected);
    });
  }

  it('reports a malformed pattern', () => {
    assert.throws(() => matchesReferencePattern('ubuntu:[', parseReference('ubuntu')), /^InvalidArgumentError: syntax error in pattern$/);
  });
});
