// Table tests for skopeo-style image names: each transport's forms, the local store's bare names, and containers/image's errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { locationString, parseImageLocation, type ImageLocation } from '../../../src/transports/transport-name.ts';

const hub = (path: string, tag?: string) => ({ domain: 'docker.io', path, ...(tag ? { tag } : {}) });
const DIGEST = `sha256:${'a'.repeat(64)}` as const;

describe('parseImageLocation', () => {
  const rows: Array<[string, ImageLocation]> = [
    ['docker://busybox', { transport: 'docker', reference: hub('library/busybox') }],
    ['docker://127.0.0.1:5000/team/app:v1', { transport: 'docker', reference: { domain: '127.0.0.1:5000', path: 'team/app', tag: 'v1' } }],
    [`docker://busybox@${DIGEST}`, { transport: 'docker', reference: { ...hub('library/busybox'), digest: DIGEST } }],
    ['docker-archive:/tmp/a.tar', { transport: 'docker-archive', path: '/tmp/a.tar' }],
    ['docker-archive:a.tar:busybox', { transport: 'docker-archive', path: 'a.tar', reference: hub('library/busybox', 'latest') }],
    ['docker-archive:a.tar:team/app:v2', { transport: 'docker-archive', path: 'a.tar', reference: hub('team/app', 'v2') }],
    ['docker-archive:a.tar:@1', { transport: 'docker-archive', path: 'a.tar', sourceIndex: 1 }],
    ['oci:/tmp/layout', { transport: 'oci', path: '/tmp/layout' }],
    ['oci:layout:v1', { transport: 'oci', path: 'layout', tag: 'v1' }],
    ['oci:layout:example.com/app:1.0', { transport: 'oci', path: 'layout', tag: 'example.com/app:1.0' }],
    ['wharf:busybox:latest', { transport: 'wharf', name: 'busybox:latest' }],
    ['busybox', { transport: 'wharf', name: 'busybox' }],
    ['team/app:v1', { transport: 'wharf', name: 'team/app:v1' }],
    ['localhost:5000/app', { transport: 'wharf', name: 'localhost:5000/app' }],
    ['4234322d9b09', { transport: 'wharf', name: '4234322d9b09' }],
  ];
  for (const [input, expected] of rows) {
    it(input, () => assert.deepEqual(parseImageLocation(input), expected));
  }

  const errors: Array<[string, RegExp]> = [
    ['foo:/x', /^Invalid image name "foo:\/x", unknown transport "foo"$/],
    ['foo://x', /^Invalid image name "foo:\/\/x", unknown transport "foo"$/],
    ['dir:/tmp/x', /transport "dir" is not supported by wharf/],
    ['oci-archive:x.tar', /transport "oci-archive" is not supported by wharf/],
    ['docker:busybox', /^docker: image reference busybox does not start with \/\/$/],
    ['docker-archive:', /isn't of the form <path>\[:<reference>\]/],
    [`docker-archive:a.tar:busybox@${DIGEST}`, /^reference does not include a tag: docker\.io\/library\/busybox@sha256:a+$/],
    [`docker-archive:a.tar:busybox:v1@${DIGEST}`, /^docker-archive doesn't support digests$/],
    ['docker-archive:a.tar:@x', /^Invalid source index @x$/],
    ['oci::v1', /isn't of the form <directory>\[:<tag>\]/],
    ['oci:dir:bad/ta..g', /^Invalid image bad\/ta\.\.g$/],
    ['wharf:', /the image name is empty/],
    ['Busybox', /must be lowercase/],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${input}`, () => {
      assert.throws(() => parseImageLocation(input), (error: unknown) => error instanceof InvalidArgumentError && message.test(error.message));
    });
  }
});

describe('locationString', () => {
  for (const input of ['docker://docker.io/library/busybox:latest', 'docker-archive:a.tar:docker.io/team/app:v2', 'docker-archive:a.tar:@0', 'oci:layout:v1', 'wharf:busybox']) {
    it(input, () => assert.equal(locationString(parseImageLocation(input)), input));
  }
});
