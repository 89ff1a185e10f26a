// COPY/ADD sources in a build context: paths and wildcards, .dockerignore, no way out, Docker's error texts, the sorted walk, and the cache hash.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, realpathSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { type BuildContext, openBuildContext } from '../../../src/build/context/build-context.ts';
import { hashSources, resolveSources, type SourceEntry, sourceDescription, walkSource } from '../../../src/build/context/sources.ts';
import { InvalidArgumentError, NotFoundError } from '../../../src/errors.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const FILES: Record<string, string> = {
  Dockerfile: 'FROM busybox\n',
  '.dockerignore': 'Dockerfile\n.dockerignore\n**/*.log\nsecret\n!secret/keep\nnode_modules\n',
  'a.txt': 'a',
  'b.txt': 'b',
  'c.md': 'c',
  'debug.log': 'log',
  'src/main.js': 'main',
  'src/util.js': 'util',
  'src/lib/deep.js': 'deep',
  'src/lib/trace.log': 'log',
  'secret/key': 'k',
  'secret/keep/x': 'x',
  'node_modules/m/index.js': 'm',
};

function makeTree(t: TestContext, files: Record<string, string> = FILES): string {
  const dir = realpathSync(tempDir(t));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  symlinkSync('a.txt', join(dir, 'link'));
  symlinkSync('src', join(dir, 'srclink'));
  return dir;
}

async function contextOf(t: TestContext, dir = makeTree(t)): Promise<BuildContext> {
  const context = await openBuildContext({ source: dir, stdin: Readable.from([]) });
  t.after(() => context.close());
  return context;
}

async function paths(context: BuildContext, patterns: string[]): Promise<string[]> {
  return (await resolveSources(context, patterns)).map((entry) => entry.relativePath);
}

async function walked(context: BuildContext, entry: SourceEntry): Promise<string[]> {
  const names: string[] = [];
  for await (const item of walkSource(context, entry)) names.push(item.stats.isDirectory() ? `${item.relativePath}/` : item.relativePath);
  return names;
}

function failsWith(Class: typeof NotFoundError, message: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof Class, String(error));
    assert.equal(error.message, message);
    return true;
  };
}

describe('resolveSources', () => {
  it('resolves plain paths from the context root, a leading / or ./ included', async (t) => {
    const context = await contextOf(t);
    const [file, dir, root, dot] = await resolveSources(context, ['a.txt', '/src/', '/', '.']);
    assert.deepEqual(file, { pattern: 'a.txt', relativePath: 'a.txt', absolutePath: join(context.root, 'a.txt'), isDirectory: false });
    assert.deepEqual(dir, { pattern: '/src/', relativePath: 'src', absolutePath: join(context.root, 'src'), isDirectory: true });
    assert.deepEqual([root.relativePath, root.absolutePath, root.isDirectory], ['', context.root, true]);
    assert.equal(dot.relativePath, '');
    assert.deepEqual(await paths(context, ['./src/lib/../main.js']), ['src/main.js']);
  });

  it('follows a symlink it names, keeping the name it was given', async (t) => {
    const context = await contextOf(t);
    const [link, dir] = await resolveSources(context, ['link', 'srclink']);
    assert.deepEqual([link.relativePath, link.absolutePath, link.isDirectory], ['link', join(context.root, 'a.txt'), false]);
    assert.deepEqual([dir.absolutePath, dir.isDirectory], [join(context.root, 'src'), true]);
  });

  it('matches wildcards per component in sorted order', async (t) => {
    const context = await contextOf(t);
    assert.deepEqual(await paths(context, ['*.txt']), ['a.txt', 'b.txt']);
    assert.deepEqual(await paths(context, ['src/*.js', '[ac].*']), ['src/main.js', 'src/util.js', 'a.txt', 'c.md']);
    assert.deepEqual(await paths(context, ['*/*.js']), ['src/main.js', 'src/util.js']);
    assert.deepEqual(await paths(context, ['?.txt', './s?c/l*/*']), ['a.txt', 'b.txt', 'src/lib/deep.js']);
    assert.deepEqual(await paths(context, ['*.nothing', 'c.md']), ['c.md'], 'a wildcard with no match adds nothing');
  });

  it('never descends through a symlink while matching a wildcard', async (t) => {
    const context = await contextOf(t);
    assert.deepEqual(await paths(context, ['srclink/*.js', 'src*']), ['src', 'srclink']);
  });

  it('hides what .dockerignore excludes, the Dockerfile and .dockerignore too', async (t) => {
    const context = await contextOf(t);
    assert.equal(context.dockerfile.text, 'FROM busybox\n', 'the builder still reads the Dockerfile');
    for (const hidden of ['Dockerfile', '.dockerignore', 'debug.log', 'secret/key', 'node_modules/m/index.js', 'node_modules']) {
      await assert.rejects(resolveSources(context, [hidden]), NotFoundError, hidden);
    }
    assert.deepEqual(await paths(context, ['*']), ['a.txt', 'b.txt', 'c.md', 'link', 'secret', 'src', 'srclink']);
    assert.deepEqual(await paths(context, ['secret', 'secret/keep/x']), ['secret', 'secret/keep/x'], 'a directory holding re-included files shows');
  });

  it('keeps a symlink inside the context and hides what it reaches that is ignored', async (t) => {
    const dir = makeTree(t);
    symlinkSync('debug.log', join(dir, 'to-log'));
    symlinkSync('/etc/hostname', join(dir, 'outside'));
    const context = await contextOf(t, dir);
    await assert.rejects(resolveSources(context, ['outside']), NotFoundError, 'an absolute target resolves inside the context');
    await assert.rejects(resolveSources(context, ['to-log']), NotFoundError);
  });

  it("fails in Docker's words", async (t) => {
    const context = await contextOf(t);
    const notFound = 'file not found in build context or excluded by .dockerignore: stat nope/x.txt: file does not exist';
    await assert.rejects(resolveSources(context, ['a.txt', '/nope/x.txt']), failsWith(NotFoundError, `COPY failed: ${notFound}`));
    await assert.rejects(resolveSources(context, ['nope/x.txt'], 'ADD'), failsWith(NotFoundError, `ADD failed: ${notFound}`));
    await assert.rejects(resolveSources(context, ['*.nothing']), failsWith(NotFoundError, 'COPY failed: no source files were specified'));
    for (const escape of ['../x', '/../x', 'src/../../x', './..']) {
      const path = escape.replace(/^\.?\//, '');
      await assert.rejects(resolveSources(context, [escape]), failsWith(InvalidArgumentError, `COPY failed: forbidden path outside the build context: ${path} ()`));
    }
  });
});

describe('walkSource', () => {
  it('yields a directory in sorted order, symlinks as themselves, ignored paths left out', async (t) => {
    const context = await contextOf(t);
    const [src, root, link] = await resolveSources(context, ['src', '/', 'link']);
    assert.deepEqual(await walked(context, src), ['/', 'lib/', 'lib/deep.js', 'main.js', 'util.js']);
    assert.deepEqual(await walked(context, root), [
      '/', 'a.txt', 'b.txt', 'c.md', 'link', 'secret/', 'secret/keep/', 'secret/keep/x',
      'src/', 'src/lib/', 'src/lib/deep.js', 'src/main.js', 'src/util.js', 'srclink',
    ]);
    const items = [];
    for await (const item of walkSource(context, link)) items.push(item);
    assert.deepEqual(items.map((item) => [item.relativePath, item.absolutePath, item.stats.isFile()]), [['', join(context.root, 'a.txt'), true]]);
  });

  it('yields nothing of an excluded directory without re-included content', async (t) => {
    const context = await contextOf(t, makeTree(t, { ...FILES, '.dockerignore': 'src/lib\n' }));
    const [src] = await resolveSources(context, ['src']);
    assert.deepEqual(await walked(context, src), ['/', 'main.js', 'util.js']);
  });
});

describe('hashSources', () => {
  it('is stable, independent of where the context is, and changes with content, mode and names only', async (t) => {
    const dir = makeTree(t);
    const context = await contextOf(t, dir);
    const hash = async (patterns: string[], of = context) => hashSources(of, await resolveSources(of, patterns));
    const original = await hash(['src', 'a.txt']);
    assert.match(original, /^[0-9a-f]{64}$/);
    assert.equal(await hash(['src', 'a.txt']), original);

    const copy = realpathSync(tempDir(t));
    cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    assert.equal(await hash(['src', 'a.txt'], await contextOf(t, copy)), original, 'the same in another directory');

    utimesSync(join(dir, 'src/main.js'), new Date(0), new Date(0));
    assert.equal(await hash(['src', 'a.txt']), original, 'times are not part of it');
    writeFileSync(join(dir, 'src/lib/trace.log'), 'an ignored file changed');
    assert.equal(await hash(['src', 'a.txt']), original, 'ignored files are not part of it');

    chmodSync(join(dir, 'src/main.js'), 0o755);
    const chmodded = await hash(['src', 'a.txt']);
    assert.notEqual(chmodded, original, 'a mode is part of it');
    writeFileSync(join(dir, 'src/main.js'), 'mainX');
    assert.notEqual(await hash(['src', 'a.txt']), chmodded, 'content is part of it');
    assert.notEqual(await hash(['a.txt']), await hash(['b.txt']), 'a file lands under its own name');
  });

  it("describes sources in the classic builder's form", async (t) => {
    const context = await contextOf(t);
    const hex = 'ab'.repeat(32);
    assert.equal(sourceDescription(await resolveSources(context, ['a.txt']), hex), `file:${hex}`);
    assert.equal(sourceDescription(await resolveSources(context, ['src']), hex), `dir:${hex}`);
    assert.equal(sourceDescription(await resolveSources(context, ['*.txt']), hex), `multi:${hex}`);
  });
});
