// Unit tests of the layer path rules: cleaning, escapes, link targets, whiteouts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidContentError } from '../../../src/errors.ts';
import { checkDataSize, checkSymlinkTarget, cleanPath, entryPath, hardlinkTarget, whiteoutOf } from '../../../src/layers/tar-rules.ts';

describe('cleanPath', () => {
  const cases: Array<[string, string | undefined]> = [
    ['a/b', 'a/b'],
    ['./a/b', 'a/b'],
    ['/a/b', 'a/b'],
    ['a//b/', 'a/b'],
    ['a/./b/.', 'a/b'],
    ['./', ''],
    ['/', ''],
    ['a/../b', 'b'],
    // a rooted name cannot climb above `/`, as Go's filepath.Clean has it
    ['/abs/../../x', 'x'],
    ['/../etc/passwd', 'etc/passwd'],
    ['../x', undefined],
    ['./../x', undefined],
    ['a/../../x', undefined],
    ['a/b/../../../x', undefined],
    ['..', undefined],
  ];
  for (const [name, expected] of cases) {
    it(`${JSON.stringify(name)} → ${JSON.stringify(expected)}`, () => assert.equal(cleanPath(name), expected));
  }
});

describe('entryPath', () => {
  it('names the entry in a one-line error', () => {
    assert.throws(() => entryPath('../etc/passwd'), {
      name: 'InvalidContentError',
      message: 'invalid layer: entry "../etc/passwd" escapes the root',
    });
  });

  it('keeps what stays inside', () => assert.equal(entryPath('./usr/bin/env'), 'usr/bin/env'));
});

describe('hardlinkTarget', () => {
  it('resolves from the layer root, leading slash or not', () => {
    assert.equal(hardlinkTarget('x', 'usr/bin/a'), 'usr/bin/a');
    assert.equal(hardlinkTarget('x', '/usr/bin/a'), 'usr/bin/a');
  });

  it('refuses targets outside the root, even rooted ones that climb (Docker joins them under the root)', () => {
    for (const target of ['../../etc/passwd', 'a/../../etc/passwd', '/abs/../../x']) {
      assert.throws(() => hardlinkTarget('stolen', target), {
        message: `invalid layer: entry "stolen" links to ${JSON.stringify(target)}, outside the root`,
      });
    }
  });

  it('refuses a link to the root itself', () => assert.throws(() => hardlinkTarget('x', './'), InvalidContentError));
});

describe('checkSymlinkTarget', () => {
  it('allows absolute targets and relative ones that stay inside', () => {
    checkSymlinkTarget('evil', 'evil', '/etc');
    checkSymlinkTarget('l', 'usr/lib/l', '../../bin/sh');
    checkSymlinkTarget('l', 'a/b/l', '/../../x');
  });

  it('refuses relative targets that climb out from where the link sits, as Docker does', () => {
    assert.throws(() => checkSymlinkTarget('evil', 'evil', '../../'), {
      message: 'invalid layer: entry "evil" is a symlink to "../../", outside the root',
    });
    assert.throws(() => checkSymlinkTarget('l', 'usr/bin/l', '../../../etc'), InvalidContentError);
    assert.throws(() => checkSymlinkTarget('l', 'l', '/../etc'), InvalidContentError);
  });
});

describe('whiteoutOf', () => {
  it('recognises whiteouts and opaque markers', () => {
    assert.deepEqual(whiteoutOf('a/.wh.b', 'a/.wh.b'), { kind: 'remove', path: 'a/b' });
    assert.deepEqual(whiteoutOf('.wh.b', '.wh.b'), { kind: 'remove', path: 'b' });
    assert.deepEqual(whiteoutOf('a/.wh..wh..opq', 'a/.wh..wh..opq'), { kind: 'opaque', dir: 'a' });
    assert.deepEqual(whiteoutOf('.wh..wh..opq', '.wh..wh..opq'), { kind: 'opaque', dir: '' });
  });

  it('leaves ordinary names alone', () => {
    assert.equal(whiteoutOf('a/b.wh.c', 'a/b.wh.c'), undefined);
    assert.equal(whiteoutOf('a/wh.b', 'a/wh.b'), undefined);
  });

  it('refuses markers that name nothing, or a parent', () => {
    for (const name of ['.wh.', 'a/.wh..', 'a/.wh...']) {
      assert.throws(() => whiteoutOf(name, name), { message: `invalid layer: entry ${JSON.stringify(name)} is a whiteout that names no file` });
    }
  });
});

describe('checkDataSize', () => {
  it('refuses data on header-only types, where tar-stream and Go would part ways', () => {
    assert.throws(() => checkDataSize('l', 'symlink', 10), { message: 'invalid layer: entry "l" is a symlink that carries 10 bytes of data' });
    assert.throws(() => checkDataSize('d', 'directory', 512), InvalidContentError);
    checkDataSize('f', 'file', 10);
    checkDataSize('l', 'symlink', 0);
  });
});
