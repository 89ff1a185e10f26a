// The CLI's front door: usage, unknown commands as docker/cli words them, --data-root, and a bundle behind every command.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { COMMAND_MODULES } from '../../src/cli/command-table.ts';
import { COMMAND_HELP } from '../../src/cli/help/command-help.ts';
import { load, ok, storeState, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxFixture } from '../helpers/image-builder.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

const DIST = resolve(import.meta.dirname, '../../dist');

describe('the wharf command line', { concurrency: 4 }, () => {
  it('prints its usage without a command, and with --help', async (t) => {
    const wharf = makeWharf(t);
    for (const args of [[], ['--help']]) {
      const result = ok(await wharf.run(args));
      assert.match(result.stdout, /^Usage: {2}wharf \[--data-root DIR\] COMMAND\n/);
      assert.match(result.stdout, /\n {2}image ls\n/);
    }
  });

  it('fails on an unknown command as docker does: exit 1 and its words', async (t) => {
    const wharf = makeWharf(t);
    const top = await wharf.run(['bogus']);
    assert.equal(top.code, 1);
    assert.equal(top.stderr, "wharf: unknown command: wharf bogus\n\nRun 'wharf --help' for more information\n");
    const grouped = await wharf.run(['image', 'bogus']);
    assert.equal(grouped.code, 1);
    assert.match(grouped.stderr, /^wharf: unknown command: wharf image bogus\n\nUsage: {2}wharf image\n/);
    assert.equal((await wharf.run(['constructor'])).code, 1, 'no command from Object.prototype');
  });

  it('takes --data-root before the command', async (t) => {
    const wharf = makeWharf(t);
    const root = join(tempDir(t), 'elsewhere');
    const result = ok(await wharf.run(['--data-root', root, 'images', '-q']));
    assert.equal(result.stdout, '');
    assert.ok(existsSync(join(root, 'metadata.db')), 'the store is made where --data-root says');
    assert.equal(ok(await wharf.run(['-v'])).stdout, ok(await wharf.run(['version'])).stdout);
  });

  it('has a bundle for every command, exporting the command and its runner', async () => {
    for (const module of new Set(Object.values(COMMAND_MODULES))) {
      const bundle = await import(pathToFileURL(join(DIST, `cmd-${module}.cjs`)).href);
      assert.equal(typeof bundle.command.run, 'function', module);
      assert.equal(typeof bundle.runCli, 'function', module);
    }
  });

  it('answers --help and -h with docker/cli\'s layout, and does nothing else', async (t) => {
    const wharf = makeWharf(t);
    await load(wharf, await writeArchive(join(tempDir(t), 'bb.tar'), 'classic', [{ image: await busyboxFixture('busybox'), repoTags: ['busybox:latest'] }]));
    const before = await storeState(wharf);
    const help = ok(await wharf.run(['image', 'prune', '-a', '-f', '--help']));
    assert.match(help.stdout, /^Usage: {2}wharf image prune \[OPTIONS\]\n\nRemove unused images\n\nOptions:\n/);
    assert.match(help.stdout, /\n {2}-a, --all +\S/);
    assert.match(help.stdout, /\n {2}-f, --force +Do not prompt for confirmation\n/);
    for (const args of [['system', 'prune', '-a', '-f', '--help'], ['rmi', '-f', 'busybox', '--help'], ['load', '-h'], ['container', 'prune', '-f', '-h']]) {
      const result = ok(await wharf.run(args, { input: '' }));
      assert.match(result.stdout, /^Usage: {2}wharf /, args.join(' '));
    }
    assert.deepEqual(await storeState(wharf), before, 'nothing removed, nothing loaded');
  });

  it('names the aliases, aligns the options, and keeps -h where a command gives it a meaning', async (t) => {
    const wharf = makeWharf(t);
    const images = ok(await wharf.run(['images', '--help'])).stdout;
    assert.match(images, /^Usage: {2}wharf images \[OPTIONS\] \[REPOSITORY\[:TAG\]\]\n\nList images\n\nAliases:\n {2}wharf image ls, wharf image list, wharf images\n\nOptions:\n/);
    const columns = images.split('Options:\n')[1].split('\n').filter((line) => /^ {2}(-\w, | {4})--/.test(line)).map(descriptionColumn);
    assert.equal(new Set(columns).size, 1, `descriptions start in one column: ${columns}`);
    assert.match(images, /\n {6}--format string +Format output using a custom template:\n {10,}'table': /);
    const run = ok(await wharf.run(['run', '--help'])).stdout;
    assert.match(run, /\n {2}-h, --hostname string +/);
    assert.match(run, /^Usage: {2}wharf run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]\n/);
  });

  it('has help for every command', () => {
    for (const path of Object.keys(COMMAND_MODULES)) assert.ok(COMMAND_HELP[path]?.summary, path);
  });
});

/** Where an option line's description starts: past the name and type, after at least three spaces. */
function descriptionColumn(line: string): number {
  const match = / {3,}(?=\S)/.exec(line.trimStart());
  return match ? line.length - line.trimStart().length + match.index + match[0].length : -1;
}
