// The command table: paths, Docker's aliases, the global --data-root flag, and names that are no command.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALIASES, COMMAND_MODULES, findCommand, splitGlobalFlags, unknownCommandMessage, usage } from '../../../src/cli/command-table.ts';

describe('findCommand', () => {
  it('finds two-word commands and their Docker aliases, keeping the path the user typed', () => {
    assert.deepEqual(findCommand(['image', 'ls', '-q']), { path: 'image ls', module: 'images', rest: ['-q'] });
    assert.deepEqual(findCommand(['image', 'list']), { path: 'image list', module: 'images', rest: [] });
    assert.deepEqual(findCommand(['images', '-a']), { path: 'images', module: 'images', rest: ['-a'] });
    assert.deepEqual(findCommand(['container', 'ps', '-a']), { path: 'container ps', module: 'ps', rest: ['-a'] });
  });

  it('reads a second word as an argument when the first word is a command', () => {
    assert.deepEqual(findCommand(['run', 'busybox', 'true']), { path: 'run', module: 'run', rest: ['busybox', 'true'] });
    assert.deepEqual(findCommand(['inspect', 'image']), { path: 'inspect', module: 'inspect', rest: ['image'] });
  });

  it('knows no command by the names of Object.prototype', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.equal(findCommand([name]), undefined, name);
    assert.equal(findCommand(['image', 'constructor']), undefined);
    assert.equal(findCommand([]), undefined);
  });

  it('has a module for every alias', () => {
    for (const [alias, path] of Object.entries(ALIASES)) assert.ok(Object.hasOwn(COMMAND_MODULES, path), `${alias} → ${path}`);
  });
});

describe('splitGlobalFlags', () => {
  it('takes --data-root in both spellings, before the command only', () => {
    assert.deepEqual(splitGlobalFlags(['--data-root', '/d', 'images']), { dataRoot: '/d', rest: ['images'] });
    assert.deepEqual(splitGlobalFlags(['--data-root=/d', 'ps', '--data-root', 'x']), { dataRoot: '/d', rest: ['ps', '--data-root', 'x'] });
    assert.deepEqual(splitGlobalFlags(['version']), { dataRoot: undefined, rest: ['version'] });
  });
});

describe('usage', () => {
  it('lists commands and aliases, sorted', () => {
    const lines = usage().split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());
    assert.deepEqual(lines, [...lines].sort());
    assert.ok(lines.includes('image ls') && lines.includes('images') && lines.includes('run'));
  });
});

describe('unknownCommandMessage', () => {
  it("words an unknown command as docker/cli does, at the top and inside a group", () => {
    assert.equal(unknownCommandMessage(['bogus']), "wharf: unknown command: wharf bogus\n\nRun 'wharf --help' for more information\n");
    assert.equal(unknownCommandMessage(['image', 'bogus']), "wharf: unknown command: wharf image bogus\n\nUsage:  wharf image\n\nRun 'wharf image --help' for more information\n");
    assert.equal(unknownCommandMessage(['bogus', 'x']), "wharf: unknown command: wharf bogus\n\nRun 'wharf --help' for more information\n");
  });
});
