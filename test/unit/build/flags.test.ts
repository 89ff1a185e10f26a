// Instruction flags as the builder reads them: last value wins, repeatable flags keep their order, booleans parsed as Go's ParseBool.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { booleanFlag, flagValue, flagValues } from '../../../src/build/dockerfile/flags.ts';
import { parseDockerfile } from '../../../src/build/dockerfile/parse.ts';

const instruction = (line: string) => parseDockerfile(`FROM busybox\n${line}\n`).instructions[1];

describe('instruction flags', () => {
  it('reads values, repeated values and their absence', () => {
    const copy = instruction('COPY --exclude=*.log --exclude=tmp --chown=1:2 . /dst/');
    assert.deepEqual(flagValues(copy, 'exclude'), ['*.log', 'tmp']);
    assert.equal(flagValue(copy, 'chown'), '1:2');
    assert.equal(flagValue(copy, 'from'), undefined);
  });

  for (const [line, expected] of [
    ['COPY --parents a /d/', true],
    ['COPY --parents=true a /d/', true],
    ['COPY --parents=TRUE a /d/', true],
    ['COPY --parents=false a /d/', false],
    ['COPY --parents=FALSE a /d/', false],
    ['COPY a /d/', false],
  ] as const) {
    it(`${line} → parents ${expected}`, () => assert.equal(booleanFlag(instruction(line), 'parents'), expected));
  }

  it('leaves other spellings to the parser, which refuses them as BuildKit does', () => {
    assert.throws(() => instruction('COPY --parents=1 a /d/'), /Dockerfile:2: expecting boolean value for flag --parents, not: 1/);
  });
});
