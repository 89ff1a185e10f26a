// Flag parsing: Docker's forms and texts, and a bare command's defaults without util.parseArgs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, type FlagSpec } from '../../../src/cli/flags.ts';

const SPEC: FlagSpec = {
  all: { type: 'boolean', short: 'a' },
  human: { type: 'boolean', short: 'H', default: true },
  filter: { type: 'string', short: 'f', multiple: true },
  format: { type: 'string', default: 'table' },
};

describe('parseFlags', () => {
  it('gives the flags\' defaults and no positionals for no arguments, as for arguments that set nothing', () => {
    const bare = parseFlags([], SPEC, 'images');
    assert.deepEqual(bare, { values: { human: true, format: 'table' }, positionals: [] });
    assert.deepEqual(bare, parseFlags(['--'], SPEC, 'images'));
  });

  it('parses Docker\'s forms: shorts, repeats, a boolean with a value, positionals', () => {
    const parsed = parseFlags(['-a', '--filter', 'x=1', '-f', 'y', '-H=false', 'busybox'], SPEC, 'images');
    assert.deepEqual(parsed.values, { all: true, human: false, filter: ['x=1', 'y'], format: 'table' });
    assert.deepEqual(parsed.positionals, ['busybox']);
  });

  it('fails with docker/cli\'s text for an unknown flag', () => {
    assert.throws(() => parseFlags(['--nope'], SPEC, 'images'), { message: "unknown flag: --nope\nSee 'wharf images --help'." });
  });
});
