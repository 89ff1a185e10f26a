// Which registries are insecure (loopback, listed hosts, CIDRs) and where Docker Hub's API lives, as Docker decides.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointFor, isInsecure, mirrorEndpoints } from '../../../src/registry/client/endpoint.ts';
import type { RegistryConfig } from '../../../src/registry/client/registry-config.ts';

const config = (overrides: Partial<RegistryConfig> = {}): RegistryConfig => ({
  insecureRegistries: [],
  mirrors: [],
  maxConcurrentDownloads: 3,
  maxConcurrentUploads: 5,
  certsDirs: ['/nonexistent'],
  ...overrides,
});

describe('registry endpoints', () => {
  it('treats loopback as insecure and everything else as secure unless listed', () => {
    for (const host of ['127.0.0.1:5000', '127.1.2.3', 'localhost:5000', '[::1]:5000']) assert.ok(isInsecure(host, []), host);
    for (const host of ['registry.example:5000', '10.1.2.3:5000', 'docker.io']) assert.ok(!isInsecure(host, []), host);
    assert.ok(isInsecure('registry.example:5000', ['registry.example:5000']));
    assert.ok(isInsecure('10.1.2.3:5000', ['10.1.0.0/16']));
    assert.ok(!isInsecure('10.2.2.3:5000', ['10.1.0.0/16']));
    assert.ok(!isInsecure('10.1.2.3:5000', ['10.1.0.0/99']));
  });

  it("sends Docker Hub to its API host and verifies TLS for secure registries", () => {
    const hub = endpointFor('docker.io', config());
    assert.equal(hub.baseUrl.href, 'https://registry-1.docker.io/');
    assert.equal(hub.tls.verify, true);
    const local = endpointFor('127.0.0.1:5000', config());
    assert.deepEqual([local.baseUrl.href, local.insecure, local.tls.verify], ['https://127.0.0.1:5000/', true, false]);
  });

  it('uses mirrors for Docker Hub only, in order', () => {
    const mirrors = ['http://mirror-a:5000', 'https://mirror-b'];
    assert.deepEqual(mirrorEndpoints('docker.io', config({ mirrors })).map((endpoint) => [endpoint.baseUrl.href, endpoint.insecure]), [['http://mirror-a:5000/', true], ['https://mirror-b/', false]]);
    assert.deepEqual(mirrorEndpoints('quay.io', config({ mirrors })), []);
  });
});
