// Table tests for -v, --mount and --tmpfs parsing and the mount list resolveMounts builds from them, with Docker's error texts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountRequests } from '../../../src/runtime/volumes/mounts.ts';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag } from '../../../src/runtime/volumes/mount-spec.ts';

describe('parseVolumeFlag (-v)', () => {
  const rows: Array<[string, unknown]> = [
    ['/host:/ctr', { type: 'bind', source: '/host', target: '/ctr', readOnly: false, propagation: undefined, createSource: true }],
    ['/host/:/ctr/:ro', { type: 'bind', source: '/host', target: '/ctr', readOnly: true, propagation: undefined, createSource: true }],
    ['/h:/c:ro,rshared', { type: 'bind', source: '/h', target: '/c', readOnly: true, propagation: 'rshared', createSource: true }],
    ['data:/var/lib/data', { type: 'volume', name: 'data', target: '/var/lib/data', readOnly: false, noCopy: false }],
    ['data:/d:ro,nocopy', { type: 'volume', name: 'data', target: '/d', readOnly: true, noCopy: true }],
    ['/anonymous', { type: 'volume', name: undefined, target: '/anonymous', readOnly: false, noCopy: false }],
  ];
  for (const [input, expected] of rows) it(input, () => assert.deepEqual(parseVolumeFlag(input), expected));

  const errors: Array<[string, string]> = [
    ['a:b:c:d', "invalid volume specification: 'a:b:c:d'"],
    ['/a:/b:xyz', 'invalid mode: xyz'],
    ['/a:/b:ro,rw', 'invalid mode: ro,rw'],
    ['/a:/b:nocopy', 'invalid mode: nocopy'],
    ['/a:/', `invalid volume specification: '/a:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
    ['vol:rel', `invalid volume specification: 'vol:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${input}`, () => assert.throws(() => parseVolumeFlag(input), (error: Error & { exitCode?: number }) => error.message === message && error.exitCode === 125));
  }
});

describe('parseMountFlag (--mount)', () => {
  it('reads bind, volume and tmpfs mounts', () => {
    assert.deepEqual(parseMountFlag('type=bind,source=/h,target=/c,readonly'), { type: 'bind', source: '/h', target: '/c', readOnly: true, propagation: undefined, createSource: false });
    assert.deepEqual(parseMountFlag('type=volume,src=v1,dst=/data,volume-nocopy,volume-label=a=b'), { type: 'volume', name: 'v1', target: '/data', readOnly: false, noCopy: true, labels: { a: 'b' } });
    assert.deepEqual(parseMountFlag('target=/anon'), { type: 'volume', name: undefined, target: '/anon', readOnly: false, noCopy: false, labels: {} });
    assert.deepEqual(parseMountFlag('type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770'), { type: 'tmpfs', target: '/t', options: ['size=1m', 'mode=1770'] });
  });

  const errors: Array<[string, string]> = [
    ['foo', `invalid argument "foo" for "--mount" flag: invalid field 'foo' must be a key=value pair`],
    ['type=volume,dst=/x,bogus=1', `invalid argument "type=volume,dst=/x,bogus=1" for "--mount" flag: unexpected key 'bogus' in 'bogus=1'`],
    ['type=volume,dst=/x,ro=maybe', `invalid argument "type=volume,dst=/x,ro=maybe" for "--mount" flag: invalid value for ro: maybe`],
    ['type=bind,src=/tmp', `invalid argument "type=bind,src=/tmp" for "--mount" flag: target is required`],
    ['type=bind,target=/x', 'invalid mount config for type "bind": field Source must not be empty'],
    ['type=tmpfs,src=/a,dst=/x', 'invalid mount config for type "tmpfs": field Source must not be specified'],
    ['type=nope,dst=/x', 'invalid mount config for type "nope": mount type unknown'],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${input}`, () => assert.throws(() => parseMountFlag(input), (error: Error & { exitCode?: number }) => error.message === message && error.exitCode === 125));
  }
});

describe('parseTmpfsFlag and the mount list', () => {
  it('reads --tmpfs with and without options', () => {
    assert.deepEqual(parseTmpfsFlag('/run'), { type: 'tmpfs', target: '/run', options: [] });
    assert.deepEqual(parseTmpfsFlag('/t:size=1m,exec'), { type: 'tmpfs', target: '/t', options: ['size=1m', 'exec'] });
    assert.throws(() => parseTmpfsFlag('rel'), /invalid mount path: 'rel' mount path must be absolute/);
  });

  it('refuses two mounts at one path, across -v, --mount and --tmpfs', () => {
    assert.throws(() => mountRequests({ volumes: ['/a:/b'], mounts: ['type=tmpfs,dst=/b'], tmpfs: [], imageVolumes: [] }), (error: Error) => error.message === "Duplicate mount point: /b");
  });

  it("adds an anonymous volume for each image VOLUME no flag already mounts", () => {
    const requests = mountRequests({ volumes: ['/h:/data'], mounts: [], tmpfs: [], imageVolumes: ['/data', '/cache/'] });
    assert.deepEqual(requests.map((request) => [request.type, request.target]), [['bind', '/data'], ['volume', '/cache']]);
  });
});
