// The CLI's front door: usage, unknown commands as docker/cli words them, --data-root, and a bundle behind every command.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { COMMAND_MODULES } from '../../src/cli/command-table.ts';
import { ok } from '../helpers/cli-fixtures.ts';
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
      const bundle = await import(pathToFileURL(join(DIST, `cmd-${module}.js`)).href);
      assert.equal(typeof bundle.command.run, 'function', module);
      assert.equal(typeof bundle.runCli, 'function', module);
    }
  });
});
