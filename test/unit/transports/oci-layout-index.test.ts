// How a copy's entry joins an OCI layout's index.json: a tag moves, an untagged image is added once, others are kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from '../../../src/digest/digest.ts';
import type { Descriptor, ImageIndex } from '../../../src/oci/types.ts';
import { withEntry } from '../../../src/transports/oci-layout/oci-layout-destination.ts';

const REF = 'org.opencontainers.image.ref.name';
const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const entry = (c: string, tag?: string): Descriptor => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest(c), size: 10, ...(tag ? { annotations: { [REF]: tag } } : {}) });
const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, manifests, annotations: { kept: 'yes' } });

describe('withEntry', () => {
  it('appends a new tag', () => assert.deepEqual(withEntry(index(entry('a', 'v1')), entry('b', 'v2')), index(entry('a', 'v1'), entry('b', 'v2'))));
  it('moves a tag in place, dropping duplicates of it', () => {
    assert.deepEqual(withEntry(index(entry('a', 'v1'), entry('c', 'x'), entry('d', 'v1')), entry('b', 'v1')), index(entry('b', 'v1'), entry('c', 'x')));
  });
  it('adds an untagged image once', () => {
    assert.deepEqual(withEntry(index(entry('a'), entry('a', 'v1')), entry('a')), index(entry('a'), entry('a', 'v1')));
    assert.deepEqual(withEntry(index(entry('a', 'v1')), entry('a')), index(entry('a', 'v1'), entry('a')));
  });
});
