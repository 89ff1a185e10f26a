// `--change` instructions for import (and later commit), checked against what Docker 20.10 records for them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { applyChanges } from '../../../src/images/changes.ts';
import type { ContainerConfig } from '../../../src/oci/types.ts';

const apply = (...changes: string[]) => applyChanges({}, changes);

describe('applyChanges', () => {
  it('leaves the config alone without changes', () => assert.deepEqual(applyChanges({ User: 'x' }, []), { User: 'x' }));

  it('takes CMD and ENTRYPOINT in exec form as given', () => {
    assert.deepEqual(apply('CMD ["sh", "-c", "echo hi"]'), { Cmd: ['sh', '-c', 'echo hi'] });
    assert.deepEqual(apply('ENTRYPOINT ["/bin/sh"]'), { Entrypoint: ['/bin/sh'] });
  });

  it('runs CMD and ENTRYPOINT in shell form through /bin/sh -c', () => {
    assert.deepEqual(apply('CMD echo hi there'), { Cmd: ['/bin/sh', '-c', 'echo hi there'] });
    assert.deepEqual(apply('ENTRYPOINT echo hi'), { Entrypoint: ['/bin/sh', '-c', 'echo hi'] });
  });

  it('treats a malformed JSON array as shell form', () => {
    assert.deepEqual(apply('CMD [not json'), { Cmd: ['/bin/sh', '-c', '[not json'] });
  });

  it('reads instructions case-insensitively', () => {
    assert.deepEqual(apply('cmd ["sh"]', 'Workdir /w'), { Cmd: ['sh'], WorkingDir: '/w' });
  });

  it('sets ENV pairs, in order, with quoted values', () => {
    assert.deepEqual(apply('ENV A=1 B=2', 'ENV C="x y" D=""'), { Env: ['A=1', 'B=2', 'C=x y', 'D='] });
  });

  it('takes the legacy ENV form: one key, the rest of the line is its value', () => {
    assert.deepEqual(apply('ENV GREETING hello world'), { Env: ['GREETING=hello world'] });
  });

  it('replaces an existing variable in place instead of adding a second one', () => {
    const base: ContainerConfig = { Env: ['PATH=/bin', 'A=old', 'Z=1'] };
    assert.deepEqual(applyChanges(base, ['ENV A=new']).Env, ['PATH=/bin', 'A=new', 'Z=1']);
  });

  it('sets LABELs, merged with existing ones', () => {
    const base: ContainerConfig = { Labels: { keep: 'yes', x: 'old' } };
    assert.deepEqual(applyChanges(base, ['LABEL x=y z="a b"']).Labels, { keep: 'yes', x: 'y', z: 'a b' });
  });

  it('reads a quoted LABEL key as Docker does', () => {
    assert.deepEqual(apply('LABEL x=y "a b"="c d"').Labels, { x: 'y', 'a b': 'c d' });
  });

  it('exposes ports, tcp unless told otherwise', () => {
    assert.deepEqual(apply('EXPOSE 80 443/udp').ExposedPorts, { '80/tcp': {}, '443/udp': {} });
  });

  it('adds volumes in plain and JSON form', () => {
    assert.deepEqual(apply('VOLUME /a /b').Volumes, { '/a': {}, '/b': {} });
    assert.deepEqual(apply('VOLUME ["/c", "/d e"]').Volumes, { '/c': {}, '/d e': {} });
  });

  it('sets USER and WORKDIR, and appends ONBUILD triggers', () => {
    assert.deepEqual(apply('USER nobody', 'WORKDIR /w', 'ONBUILD RUN x', 'ONBUILD RUN y'), {
      User: 'nobody',
      WorkingDir: '/w',
      OnBuild: ['RUN x', 'RUN y'],
    });
  });

  it('applies changes in order: the last CMD wins', () => {
    assert.deepEqual(apply('CMD ["a"]', 'CMD ["b"]'), { Cmd: ['b'] });
  });

  it('returns a new config and leaves its input alone', () => {
    const base: ContainerConfig = { Env: ['A=1'], Labels: { a: 'b' } };
    const copy = structuredClone(base);
    const result = applyChanges(base, ['ENV A=2', 'LABEL c=d', 'CMD ["x"]']);
    assert.deepEqual(base, copy);
    assert.notEqual(result, base);
  });

  // Docker 20.10: `docker import -c 'RUN x'` → "Error response from daemon: run is not a valid change command".
  for (const [change, message] of [
    ['RUN x', 'run is not a valid change command'],
    ['FOO x', 'foo is not a valid change command'],
    ['FROM busybox', 'from is not a valid change command'],
  ] as const) {
    it(`rejects ${JSON.stringify(change)} as Docker does`, () => {
      assert.throws(() => apply(change), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }

  // Docker 20.10: `docker import -c 'ENV A'` → "ENV must have two arguments".
  for (const instruction of ['ENV', 'LABEL']) {
    it(`rejects ${instruction} with a key and no value as Docker does`, () => {
      assert.throws(() => apply(`${instruction} A`), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, `${instruction} must have two arguments`);
        return true;
      });
    });
  }
});
