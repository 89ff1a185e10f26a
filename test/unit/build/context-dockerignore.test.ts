// .dockerignore parsing and matching by moby/patternmatcher's cases: `*`, `?`, classes, `**`, directories, `!` exceptions, pruning; Go's filepath.Match.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IgnoreMatcher, parseDockerignore } from '../../../src/build/context/dockerignore.ts';
import { goClean, goMatch } from '../../../src/go/path.ts';
import { InvalidArgumentError } from '../../../src/errors.ts';

describe('parseDockerignore', () => {
  it('drops comments and blank lines, trims, cleans and unroots patterns, and keeps exceptions', () => {
    const text = '\uFEFF# a comment\n\n  node_modules  \r\n/build/\n./docs/../tmp//x\n! /keep.md\n!src/../readme\n #not a comment\n/\n*.md\n';
    assert.deepEqual(parseDockerignore(text), ['node_modules', 'build', 'tmp/x', '!keep.md', '!readme', '#not a comment', '/', '*.md']);
  });

  it('keeps a bare `!`, which the matcher refuses', () => {
    assert.deepEqual(parseDockerignore('!\n'), ['!']);
    assert.throws(() => new IgnoreMatcher(['!']), { name: 'InvalidArgumentError', message: 'illegal exclusion pattern: "!"' });
  });
});

/** moby/patternmatcher's own table (TestMatches), one pattern each, run through MatchesOrParentMatches's rules. */
const SINGLE_PATTERN_CASES: Array<[pattern: string, path: string, excluded: boolean]> = [
  ['**', 'file', true],
  ['**', 'file/', true],
  ['**/', 'file', true],
  ['**', 'dir/file', true],
  ['**/**', 'dir/file', true],
  ['dir/**', 'dir/file', true],
  ['dir/**', 'dir/dir2/file', true],
  ['**/dir', 'dir', true],
  ['**/dir', 'dir/file', true],
  ['**/dir2/*', 'dir/dir2/file', true],
  ['**/dir2/*', 'dir/dir2/file/', true],
  ['**/dir2/**', 'dir/dir2/dir3/file', true],
  ['**file', 'file', true],
  ['**file', 'dir/file', true],
  ['**/file', 'dir/file', true],
  ['**file', 'dir/dir/file', true],
  ['**/file*', 'dir/dir/file.txt', true],
  ['**/file*txt', 'dir/dir/file.txt', true],
  ['**/**/*.txt', 'dir/dir/file.txt', true],
  ['**/**/*.txt2', 'dir/dir/file.txt', false],
  ['**/*.txt', 'file.txt', true],
  ['**/**/*.txt', 'file.txt', true],
  ['a**/*.txt', 'a/file.txt', true],
  ['a**/*.txt', 'a/dir/dir/file.txt', true],
  ['a/*.txt', 'a/dir/file.txt', false],
  ['a/*.txt', 'a/file.txt', true],
  ['a/*.txt**', 'a/file.txt', true],
  ['a[b-d]e', 'ae', false],
  ['a[b-d]e', 'ace', true],
  ['a[b-d]e', 'aae', false],
  ['a[^b-d]e', 'aze', true],
  ['.*', '.foo', true],
  ['.*', 'foo', false],
  ['abc.def', 'abcdef', false],
  ['abc.def', 'abc.def', true],
  ['abc?def', 'abcZdef', true],
  ['abc?def', 'abcdef', false],
  ['a\\\\', 'a\\', true],
  ['**/foo/bar', 'foo/bar', true],
  ['**/foo/bar', 'dir/dir2/foo/bar', true],
  ['abc/**', 'abc', false],
  ['abc/**', 'abc/def/ghi', true],
  ['**/.foo', '.foo', true],
  ['**/.foo', 'bar.foo', false],
  ['a(b)c/def', 'a(b)c/def', true],
  ['a(b)c/def', 'a(b)c/xyz', false],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
  // the shortcuts patternmatcher takes decide these
  ['**foo', 'xfoo', true],
  ['foo**', 'foobar/x', true],
];

/** Whole .dockerignore files: directories, `*.md` against `docs/*.md`, later patterns overriding, `!` exceptions. */
const FILE_CASES: Array<[name: string, patterns: string[], excluded: string[], kept: string[]]> = [
  ['a top-level `*.md` stays at the top', ['*.md'], ['README.md', 'CHANGES.md'], ['docs/guide.md', 'md', 'README.mdx']],
  ['`docs/*.md` only in docs', ['docs/*.md'], ['docs/guide.md'], ['README.md', 'docs/api/ref.md', 'other/docs/x.md']],
  ['`**/*.md` at any depth', ['**/*.md'], ['README.md', 'docs/guide.md', 'a/b/c/d.md'], ['docs', 'a/b']],
  ['a directory takes its whole tree', ['node_modules'], ['node_modules', 'node_modules/x/index.js'], ['src/node_modules', 'node_modulesx']],
  ['a wildcard directory too', ['*/cache'], ['a/cache', 'a/cache/x/y'], ['cache', 'a/b/cache']],
  ['`?` is one character but never `/`', ['file?.txt'], ['file1.txt'], ['file12.txt', 'file/.txt']],
  ['an exception after re-includes', ['*.md', '!README.md'], ['CHANGES.md'], ['README.md']],
  ['an exception before is overridden', ['!README.md', '*.md'], ['README.md', 'CHANGES.md'], []],
  ['an exception inside an excluded directory', ['docs', '!docs/keep.md'], ['docs', 'docs/other.md'], ['docs/keep.md']],
  ['an exception of a directory takes its tree', ['*', '!src'], ['Dockerfile', 'lib/x'], ['src', 'src/a/b.c']],
  ['re-excluded after an exception', ['docs', '!docs/keep', 'docs/keep/tmp'], ['docs/keep/tmp/x'], ['docs/keep/a']],
  ['the root is never excluded', ['**', '*'], ['a'], ['', '.']],
];

describe('IgnoreMatcher.excludes', () => {
  for (const [pattern, path, excluded] of SINGLE_PATTERN_CASES) {
    it(`${pattern} ${excluded ? 'excludes' : 'keeps'} ${path}`, () => assert.equal(new IgnoreMatcher([pattern]).excludes(path), excluded));
  }
  for (const [name, patterns, excluded, kept] of FILE_CASES) {
    it(name, () => {
      const matcher = new IgnoreMatcher(patterns);
      for (const path of excluded) assert.equal(matcher.excludes(path), true, `${path} excluded`);
      for (const path of kept) assert.equal(matcher.excludes(path), false, `${path} kept`);
    });
  }

  it('refuses what Go refuses as a pattern', () => {
    for (const pattern of ['[', 'a[', '[]a]', '[x-]', 'a\\']) {
      assert.throws(() => new IgnoreMatcher([pattern]), (error) => error instanceof InvalidArgumentError && error.message === 'syntax error in pattern', pattern);
    }
  });
});

describe('IgnoreMatcher.mayHaveIncludedUnder', () => {
  const cases: Array<[patterns: string[], dir: string, may: boolean]> = [
    [['node_modules'], 'node_modules', false],
    [['node_modules'], 'node_modules/lodash', false],
    [['node_modules'], 'src', true],
    [['docs', '!docs/keep.md'], 'docs', true],
    [['docs', '!docs/keep.md'], 'docs/api', false],
    [['*', '!src/*/keep'], 'lib', false],
    [['*', '!src/*/keep'], 'src', true],
    [['*', '!src/*/keep'], 'src/a', true],
    [['*', '!src/*/keep'], 'src/a/b', false],
    [['build', '!**/*.keep'], 'build', true],
    [['build', '!build/**'], 'build', true],
    [['!docs/keep.md', 'docs'], 'docs', false],
    [['a', '!a/b', 'a'], 'a', false],
  ];
  for (const [patterns, dir, may] of cases) {
    it(`${JSON.stringify(patterns)} ${may ? 'may re-include' : 'prunes'} ${dir}`, () => assert.equal(new IgnoreMatcher(patterns).mayHaveIncludedUnder(dir), may));
  }
});

describe('goMatch (Go filepath.Match)', () => {
  const cases: Array<[pattern: string, name: string, matched: boolean]> = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[^e-g]', 'abc', true],
    ['ab[^b-d]', 'abc', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['[a-ζ]*', 'α', true],
    ['a?b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[x\\-]', '-', true],
    ['*x', 'xxx', true],
  ];
  for (const [pattern, name, matched] of cases) {
    it(`${pattern} ${matched ? 'matches' : 'does not match'} ${name}`, () => assert.equal(goMatch(pattern, name), matched));
  }

  it('refuses a malformed pattern even when the name already failed', () => {
    for (const pattern of ['[-]', '[a-b-c]', '\\', '[^bc', 'a/b[']) assert.throws(() => goMatch(pattern, 'x'), { message: 'syntax error in pattern' }, pattern);
  });

  it('cleans paths as filepath.Clean', () => {
    const cases = [['', '.'], ['a//b/./c/..', 'a/b'], ['../../a', '../../a'], ['/../a/', '/a'], ['a/../..', '..'], ['/', '/']];
    for (const [path, clean] of cases) assert.equal(goClean(path), clean, path);
  });
});
