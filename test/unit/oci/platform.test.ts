// Platforms: parsing `os/arch[/variant]`, aliases, default variants, and choosing an index entry with Docker's error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPlatform, parsePlatform, platformMatches, selectManifest } from '../../../src/oci/platform.ts';
import type { Descriptor } from '../../../src/oci/types.ts';

const entry = (architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${architecture}${variant ?? ''}`,
  size: 1,
  platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
});

describe('platforms', () => {
  it('parses flags with aliases and refuses malformed ones', () => {
    assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('Linux/ARM64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.throws(() => parsePlatform('linux'), /"linux": unknown operating system or architecture: invalid argument/);
    assert.throws(() => parsePlatform('linux/arm/v7/extra'), /unknown operating system or architecture/);
  });

  it('matches default variants both ways and formats as Docker prints them', () => {
    assert.ok(platformMatches(entry('arm64').platform, { os: 'linux', architecture: 'arm64', variant: 'v8' }));
    assert.ok(platformMatches(entry('arm64', 'v8').platform, { os: 'linux', architecture: 'arm64' }));
    assert.ok(!platformMatches(entry('arm', 'v6').platform, { os: 'linux', architecture: 'arm', variant: 'v7' }));
    assert.equal(formatPlatform({ os: 'linux', architecture: 'arm64' }), 'linux/arm64/v8');
    assert.equal(formatPlatform({ os: 'linux', architecture: 'amd64' }), 'linux/amd64');
  });

  it('selects the entry for the platform, or fails with Docker\'s text', () => {
    const manifests = [entry('amd64'), entry('arm', 'v7'), entry('arm64', 'v8')];
    assert.equal(selectManifest(manifests, { os: 'linux', architecture: 'arm' }).digest, 'sha256:armv7');
    assert.throws(() => selectManifest(manifests, { os: 'linux', architecture: 's390x' }), /^.*no matching manifest for linux\/s390x in the manifest list entries$/);
  });
});
