// Opening build contexts: directories in place, tar files and stdin tars unpacked privately, a Dockerfile on stdin, -f rules, .dockerignore precedence, Docker's errors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { type BuildContext, type BuildContextOptions, openBuildContext } from '../../../src/build/context/build-context.ts';
import { InvalidArgumentError, InvalidContentError, NotFoundError, WharfError } from '../../../src/errors.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { fromBuffer } from '../../helpers/byte-source.ts';
import { tarBuffer } from '../../helpers/tar-writer.ts';

const FROM = 'FROM busybox\n';

/** Real files under a fresh directory: `name → content`, parents made as needed. */
function tree(t: TestContext, files: Record<string, string>): string {
  const dir = realpathSync(tempDir(t));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** `tar -c` of a directory's contents, as a buffer. */
function tarOf(dir: string): Buffer {
  return execFileSync('tar', ['-c', '-C', dir, '.'], { maxBuffer: 1 << 26 });
}

const NO_STDIN = () => Readable.from([], { objectMode: false });

async function open(t: TestContext, options: Partial<BuildContextOptions> & { source: string }): Promise<BuildContext> {
  const context = await openBuildContext({ stdin: NO_STDIN(), ...options });
  t.after(() => context.close());
  return context;
}

function stdinOf(data: string | Buffer): Readable {
  return Readable.from([Buffer.from(data)], { objectMode: false });
}

function clientError(Class: typeof WharfError, message: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof Class, `a ${Class.name}: ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.fromDaemon, false);
    return true;
  };
}

describe('openBuildContext: a directory', () => {
  it('is used in place, symlinks resolved, with its Dockerfile and .dockerignore', async (t) => {
    const dir = tree(t, { Dockerfile: FROM, '.dockerignore': '# comment\n*.log\n', 'app.log': 'x' });
    const link = join(tempDir(t), 'link');
    symlinkSync(dir, link);
    const context = await open(t, { source: link });
    assert.equal(context.root, dir);
    assert.deepEqual(context.dockerfile, { name: 'Dockerfile', text: FROM });
    assert.equal(context.ignore.excludes('app.log'), true);
    await context.close();
    assert.ok(existsSync(join(dir, 'app.log')), 'a directory context is never removed');
  });

  it('falls back to a lowercase dockerfile only when no Dockerfile exists', async (t) => {
    const context = await open(t, { source: tree(t, { dockerfile: FROM }) });
    assert.deepEqual(context.dockerfile, { name: 'dockerfile', text: FROM });
  });

  it('resolves -f against the current directory, not the context', async (t) => {
    const dir = tree(t, { 'build/app.Dockerfile': 'FROM app\n' });
    const context = await open(t, { source: dir, dockerfile: relative(process.cwd(), join(dir, 'build/app.Dockerfile')) });
    assert.deepEqual(context.dockerfile, { name: 'build/app.Dockerfile', text: 'FROM app\n' });
  });

  it('takes a Dockerfile from outside the context by its absolute path', async (t) => {
    const outside = tree(t, { 'Dockerfile.dev': 'FROM dev\n' });
    const context = await open(t, { source: tree(t, {}), dockerfile: join(outside, 'Dockerfile.dev') });
    assert.deepEqual(context.dockerfile, { name: join(outside, 'Dockerfile.dev'), text: 'FROM dev\n' });
  });

  it('reads the Dockerfile from stdin with -f -', async (t) => {
    const dir = tree(t, { Dockerfile: 'FROM ignored\n', '.dockerignore': 'secret\n' });
    const context = await open(t, { source: dir, dockerfile: '-', stdin: stdinOf(FROM) });
    assert.deepEqual(context.dockerfile, { name: '-', text: FROM });
    assert.equal(context.root, dir);
    assert.equal(context.ignore.excludes('secret'), true);
  });

  it('prefers <Dockerfile name>.dockerignore beside the Dockerfile to the root .dockerignore', async (t) => {
    const dir = tree(t, { '.dockerignore': 'root-only\n', 'ci/app.Dockerfile': FROM, 'ci/app.Dockerfile.dockerignore': 'beside-only\n', Dockerfile: FROM });
    const named = await open(t, { source: dir, dockerfile: join(dir, 'ci/app.Dockerfile') });
    assert.deepEqual([named.ignore.excludes('beside-only'), named.ignore.excludes('root-only')], [true, false]);
    const standard = await open(t, { source: dir });
    assert.deepEqual([standard.ignore.excludes('beside-only'), standard.ignore.excludes('root-only')], [false, true]);
    writeFileSync(join(dir, 'Dockerfile.dockerignore'), 'beside-only\n');
    const both = await open(t, { source: dir });
    assert.deepEqual([both.ignore.excludes('beside-only'), both.ignore.excludes('root-only')], [true, false]);
  });

  it("fails in Docker's words for a missing context or Dockerfile", async (t) => {
    const dir = tree(t, {});
    await assert.rejects(open(t, { source: join(dir, 'nope') }), clientError(NotFoundError, `unable to prepare context: path "${join(dir, 'nope')}" not found`));
    const evalFailure = (path: string, reason = 'no such file or directory') =>
      clientError(NotFoundError, `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: ${reason}`);
    await assert.rejects(open(t, { source: dir }), evalFailure(join(dir, 'Dockerfile')));
    await assert.rejects(open(t, { source: dir, dockerfile: join(dir, 'missing/sub/Dockerfile') }), evalFailure(join(dir, 'missing')));
    writeFileSync(join(dir, 'file'), '');
    await assert.rejects(open(t, { source: dir, dockerfile: join(dir, 'file/Dockerfile') }), evalFailure(join(dir, 'file/Dockerfile'), 'not a directory'));
  });

  it('refuses a malformed .dockerignore as docker build does', async (t) => {
    const dir = tree(t, { Dockerfile: FROM, '.dockerignore': 'a[\n' });
    await assert.rejects(open(t, { source: dir }), clientError(InvalidArgumentError, 'error checking context: syntax error in pattern'));
  });
});

describe('openBuildContext: a tar', () => {
  const files = { Dockerfile: FROM, 'src/main.c': 'int main;\n', '.dockerignore': 'src/*.o\n', 'sub/Dockerfile.sub': 'FROM sub\n', 'sub/Dockerfile.sub.dockerignore': 'only-sub\n' };

  for (const [kind, pack] of [['plain', (data: Buffer) => data], ['gzip', gzipSync], ['zstd', zstdCompressSync]] as const) {
    it(`unpacks a ${kind} tar file into a private directory that close() removes`, async (t) => {
      const file = join(tempDir(t), 'context.tar');
      writeFileSync(file, pack(tarOf(tree(t, files))));
      const context = await open(t, { source: file });
      assert.deepEqual(context.dockerfile, { name: 'Dockerfile', text: FROM });
      assert.equal(readFileSync(join(context.root, 'src/main.c'), 'utf8'), 'int main;\n');
      assert.equal(context.ignore.excludes('src/x.o'), true);
      await context.close();
      assert.equal(existsSync(context.root), false);
      await context.close();
    });
  }

  it('takes a tar on stdin, -f naming a path inside it and its own .dockerignore first', async (t) => {
    const context = await open(t, { source: '-', dockerfile: './sub/Dockerfile.sub', stdin: stdinOf(gzipSync(tarOf(tree(t, files)))) });
    assert.deepEqual(context.dockerfile, { name: 'sub/Dockerfile.sub', text: 'FROM sub\n' });
    assert.deepEqual([context.ignore.excludes('only-sub'), context.ignore.excludes('src/x.o')], [true, false]);
  });

  it('takes a tar context with the Dockerfile on stdin', async (t) => {
    const file = join(tempDir(t), 'context.tar');
    writeFileSync(file, tarOf(tree(t, files)));
    const context = await open(t, { source: file, dockerfile: '-', stdin: stdinOf('FROM stdin\n') });
    assert.deepEqual(context.dockerfile, { name: '-', text: 'FROM stdin\n' });
    assert.ok(existsSync(join(context.root, 'src/main.c')));
  });

  it('takes a Dockerfile on stdin as the only file of the context', async (t) => {
    const context = await open(t, { source: '-', dockerfile: 'ignored', stdin: stdinOf(FROM) });
    assert.deepEqual(context.dockerfile, { name: 'Dockerfile', text: FROM });
    assert.equal(readFileSync(join(context.root, 'Dockerfile'), 'utf8'), FROM);
    assert.equal(context.ignore.excludes('anything'), false);
  });

  it('takes an empty stdin as an empty Dockerfile', async (t) => {
    const context = await open(t, { source: '-', stdin: stdinOf('') });
    assert.deepEqual(context.dockerfile, { name: 'Dockerfile', text: '' });
  });

  it('finds no Dockerfile in the tar in the daemon words', async (t) => {
    const stdin = stdinOf(tarOf(tree(t, { 'x.txt': 'x' })));
    await assert.rejects(open(t, { source: '-', stdin }), { name: 'NotFoundError', message: 'Cannot locate specified Dockerfile: Dockerfile' });
    const lower = await open(t, { source: '-', stdin: stdinOf(tarOf(tree(t, { dockerfile: FROM }))) });
    assert.equal(lower.dockerfile.name, 'dockerfile');
  });

  it('keeps the Dockerfile inside the tar even through a symlink that points out', async (t) => {
    const dir = tree(t, {});
    symlinkSync('/etc/hostname', join(dir, 'Dockerfile'));
    await assert.rejects(open(t, { source: '-', stdin: stdinOf(tarOf(dir)) }), { name: 'NotFoundError', message: 'Cannot locate specified Dockerfile: Dockerfile' });
  });

  it('refuses stdin for both the context and the Dockerfile', async (t) => {
    await assert.rejects(open(t, { source: '-', dockerfile: '-' }), clientError(InvalidArgumentError, "invalid argument: can't use stdin for both build context and dockerfile"));
  });

  it('refuses a file that is no tar as docker build refuses a file', async (t) => {
    const file = join(tree(t, { Dockerfile: FROM }), 'Dockerfile');
    await assert.rejects(open(t, { source: file }), clientError(InvalidArgumentError, `unable to prepare context: context must be a directory: ${file}`));
  });

  it('refuses a truncated or corrupt tar in one line', async (t) => {
    const whole = tarOf(tree(t, { Dockerfile: FROM, big: 'x'.repeat(5000) }));
    for (const [what, data] of [['truncated', whole.subarray(0, 3000)], ['corrupt gzip', Buffer.concat([gzipSync(whole).subarray(0, 40), Buffer.alloc(40, 7)])]] as const) {
      await assert.rejects(open(t, { source: '-', stdin: stdinOf(data) }), (error: unknown) => {
        assert.ok(error instanceof InvalidContentError, `${what}: ${String(error)}`);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
    }
  });

  it('never writes outside its directory', async (t) => {
    const data = await tarBuffer([{ name: 'Dockerfile', type: 'file', body: fromBuffer(Buffer.from(FROM)) }, { name: '../escaped', type: 'file', body: fromBuffer(Buffer.from('x')) }]);
    await assert.rejects(open(t, { source: '-', stdin: stdinOf(data) }), { name: 'InvalidContentError', message: /escapes the root/ });
  });
});
