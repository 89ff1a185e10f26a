// The OCI Distribution conformance workflows (pull, push, discovery, management), endpoint by endpoint, run against
// wharf's registry and the CNCF distribution registry: where distribution departs from the spec the case says so.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startDistribution } from '../helpers/peers.ts';
import { startWharfRegistry } from '../helpers/registry-server.ts';
import {
  api, digestOf, imageIndex, imageManifest, locationUrl, OCI_EMPTY, pushBlob, pushImage, pushManifest, randomBlob, withDigest,
} from '../helpers/registry-http.ts';

interface Case {
  name: string;
  /** Why distribution (2.8, Debian's docker-registry) fails this case: it departs from the spec there. */
  distributionDeparts?: string;
  run(base: string, repo: string): Promise<void>;
}

const API_VERSION = 'registry/2.0';

const CASES: Case[] = [
  // ---- pull ----
  { name: 'GET /v2/ answers 200 with the API version header', async run(base) {
    const response = await api(`${base}/v2/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('docker-distribution-api-version'), API_VERSION);
  } },
  { name: 'manifest HEAD and GET by tag and by digest', async run(base, repo) {
    const { manifest } = await pushImage(base, repo, 'v1');
    const head = await api(`${base}/v2/${repo}/manifests/v1`, { method: 'HEAD', headers: { Accept: manifest.mediaType } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('docker-content-digest'), manifest.digest);
    assert.equal(head.headers.get('content-length'), String(manifest.bytes.length));
    for (const reference of ['v1', manifest.digest]) {
      const got = await api(`${base}/v2/${repo}/manifests/${reference}`, { headers: { Accept: manifest.mediaType } });
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('content-type'), manifest.mediaType);
      assert.equal(got.headers.get('docker-content-digest'), manifest.digest);
      assert.deepEqual(got.body, manifest.bytes);
    }
  } },
  { name: 'unknown manifest: 404 MANIFEST_UNKNOWN', async run(base, repo) {
    await pushImage(base, repo, 'v1');
    const response = await api(`${base}/v2/${repo}/manifests/nope`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(response.status, 404);
    assert.deepEqual(response.codes(), ['MANIFEST_UNKNOWN']);
  } },
  { name: 'content negotiation: an OCI manifest is not served to a client that accepts only Docker schema2', async run(base, repo) {
    await pushImage(base, repo, 'v1');
    const response = await api(`${base}/v2/${repo}/manifests/v1`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(response.status, 404);
    assert.deepEqual(response.codes(), ['MANIFEST_UNKNOWN']);
  } },
  { name: 'blob HEAD and GET, whole and by Range', async run(base, repo) {
    const blob = randomBlob(5000);
    assert.equal((await pushBlob(base, repo, blob)).status, 201);
    const head = await api(`${base}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '5000');
    assert.equal(head.headers.get('docker-content-digest'), blob.digest);
    const got = await api(`${base}/v2/${repo}/blobs/${blob.digest}`);
    assert.deepEqual(got.body, blob.bytes);
    const part = await api(`${base}/v2/${repo}/blobs/${blob.digest}`, { headers: { Range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 100-199/5000');
    assert.deepEqual(part.body, blob.bytes.subarray(100, 200));
  } },
  { name: 'unknown blob: 404, BLOB_UNKNOWN on GET', async run(base, repo) {
    await pushImage(base, repo, 'v1');
    const missing = randomBlob(10).digest;
    assert.equal((await api(`${base}/v2/${repo}/blobs/${missing}`, { method: 'HEAD' })).status, 404);
    const got = await api(`${base}/v2/${repo}/blobs/${missing}`);
    assert.equal(got.status, 404);
    assert.deepEqual(got.codes(), ['BLOB_UNKNOWN']);
  } },
  // ---- push ----
  { name: 'POST then PUT: 202 with Location, then 201 with Location and Docker-Content-Digest', async run(base, repo) {
    const blob = randomBlob(300);
    const started = await api(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    assert.equal(started.status, 202);
    assert.ok(started.headers.get('location'));
    const done = await api(withDigest(locationUrl(base, started.headers.get('location')), blob.digest), { method: 'PUT', body: blob.bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(done.status, 201);
    assert.equal(done.headers.get('docker-content-digest'), blob.digest);
    assert.match(done.headers.get('location') ?? '', new RegExp(`/v2/${repo}/blobs/${blob.digest}$`));
  } },
  { name: 'monolithic POST ?digest= with the body: 201',
    distributionDeparts: 'distribution 2.8 ignores ?digest= on POST and opens a session (202)',
    async run(base, repo) {
      const blob = randomBlob(400);
      const done = await api(`${base}/v2/${repo}/blobs/uploads/?digest=${blob.digest}`, { method: 'POST', body: blob.bytes, headers: { 'Content-Type': 'application/octet-stream' } });
      assert.equal(done.status, 201);
      assert.equal(done.headers.get('docker-content-digest'), blob.digest);
      assert.equal((await api(`${base}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })).status, 200);
    } },
  { name: 'chunked PATCH with Content-Range, status GET, then PUT', async run(base, repo) {
    const blob = randomBlob(3000);
    const started = await api(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    let location = locationUrl(base, started.headers.get('location'));
    for (const [start, end] of [[0, 999], [1000, 2999]]) {
      const chunk = blob.bytes.subarray(start, end + 1);
      const patched = await api(location, { method: 'PATCH', body: chunk, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${start}-${end}`, 'Content-Length': String(chunk.length) } });
      assert.equal(patched.status, 202);
      assert.equal(patched.headers.get('range'), `0-${end}`);
      location = locationUrl(base, patched.headers.get('location'));
    }
    const status = await api(location);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-2999');
    const done = await api(withDigest(location, blob.digest), { method: 'PUT' });
    assert.equal(done.status, 201);
    assert.deepEqual((await api(`${base}/v2/${repo}/blobs/${blob.digest}`)).body, blob.bytes);
  } },
  { name: 'out-of-order chunk: 416', distributionDeparts: 'distribution 2.8 accepts a chunk whose Content-Range skips ahead (202)', async run(base, repo) {
    const started = await api(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    const location = locationUrl(base, started.headers.get('location'));
    const first = await api(location, { method: 'PATCH', body: Buffer.alloc(10), headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-9', 'Content-Length': '10' } });
    assert.equal(first.status, 202);
    const skipped = await api(locationUrl(base, first.headers.get('location')), { method: 'PATCH', body: Buffer.alloc(10), headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '20-29', 'Content-Length': '10' } });
    assert.equal(skipped.status, 416);
  } },
  { name: 'digest mismatch: 400 DIGEST_INVALID, blob not stored', async run(base, repo) {
    const blob = randomBlob(100);
    const claimed = randomBlob(100).digest;
    const pushed = await pushBlob(base, repo, { bytes: blob.bytes, digest: claimed });
    assert.equal(pushed.status, 400);
    assert.deepEqual(pushed.codes(), ['DIGEST_INVALID']);
    assert.equal((await api(`${base}/v2/${repo}/blobs/${claimed}`, { method: 'HEAD' })).status, 404);
    assert.equal((await api(`${base}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })).status, 404);
  } },
  { name: 'cross-repository mount: 201; unknown blob falls back to a session: 202', async run(base, repo) {
    const blob = randomBlob(700);
    await pushBlob(base, `${repo}-src`, blob);
    const mounted = await api(`${base}/v2/${repo}/blobs/uploads/?mount=${blob.digest}&from=${repo}-src`, { method: 'POST' });
    assert.equal(mounted.status, 201);
    assert.equal(mounted.headers.get('docker-content-digest'), blob.digest);
    assert.equal((await api(`${base}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })).status, 200);
    const fallback = await api(`${base}/v2/${repo}/blobs/uploads/?mount=${randomBlob(5).digest}&from=${repo}-src`, { method: 'POST' });
    assert.equal(fallback.status, 202);
    assert.ok(fallback.headers.get('location'));
  } },
  { name: 'cancel an upload: 204, then 404 BLOB_UPLOAD_UNKNOWN', async run(base, repo) {
    const started = await api(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    const location = locationUrl(base, started.headers.get('location'));
    assert.equal((await api(location, { method: 'DELETE' })).status, 204);
    const status = await api(location);
    assert.equal(status.status, 404);
    assert.deepEqual(status.codes(), ['BLOB_UPLOAD_UNKNOWN']);
  } },
  { name: 'manifest PUT by digest: 201 with Location', async run(base, repo) {
    const config = randomBlob(20);
    const layer = randomBlob(20);
    await pushBlob(base, repo, config);
    await pushBlob(base, repo, layer);
    const manifest = imageManifest({ config, layers: [layer] });
    const pushed = await pushManifest(base, repo, manifest.digest, manifest);
    assert.equal(pushed.status, 201);
    assert.equal(pushed.headers.get('docker-content-digest'), manifest.digest);
    assert.match(pushed.headers.get('location') ?? '', new RegExp(`/v2/${repo}/manifests/${manifest.digest}$`));
  } },
  { name: 'manifest naming a missing blob: 400 MANIFEST_BLOB_UNKNOWN', async run(base, repo) {
    const config = randomBlob(20);
    await pushBlob(base, repo, config);
    const pushed = await pushManifest(base, repo, 'v1', imageManifest({ config, layers: [randomBlob(20)] }));
    assert.equal(pushed.status, 400);
    assert.deepEqual(pushed.codes(), ['MANIFEST_BLOB_UNKNOWN']);
  } },
  { name: 'image index over pushed manifests, pulled back by tag', async run(base, repo) {
    const one = await pushImage(base, repo, 'amd64');
    const two = await pushImage(base, repo, 'arm64');
    const index = imageIndex([one.manifest, two.manifest]);
    assert.equal((await pushManifest(base, repo, 'multi', index)).status, 201);
    const got = await api(`${base}/v2/${repo}/manifests/multi`, { headers: { Accept: index.mediaType } });
    assert.equal(got.headers.get('content-type'), index.mediaType);
    assert.deepEqual(got.body, index.bytes);
  } },
  { name: 'sha512 blob digests', async run(base, repo) {
    const bytes = randomBlob(512).bytes;
    const blob = { bytes, digest: digestOf(bytes, 'sha512') };
    assert.equal((await pushBlob(base, repo, blob)).status, 201);
    assert.deepEqual((await api(`${base}/v2/${repo}/blobs/${blob.digest}`)).body, bytes);
  } },
  // ---- content discovery ----
  { name: 'tags list in lexical order, with n/last pagination and a Link header',
    distributionDeparts: 'distribution 2.8 lists tags in directory order, not lexically',
    async run(base, repo) {
    const { manifest } = await pushImage(base, repo, 'c');
    for (const tag of ['a', 'b', 'B', 'd']) assert.equal((await pushManifest(base, repo, tag, manifest)).status, 201);
    const all = await api(`${base}/v2/${repo}/tags/list`);
    assert.deepEqual(all.json(), { name: repo, tags: ['B', 'a', 'b', 'c', 'd'] });
    const page = await api(`${base}/v2/${repo}/tags/list?n=2`);
    assert.deepEqual(page.json<{ tags: string[] }>().tags, ['B', 'a']);
    assert.match(page.headers.get('link') ?? '', /<\/v2\/.+\/tags\/list\?.*n=2.*>; rel="next"/);
    const next = await api(`${base}/v2/${repo}/tags/list?n=2&last=a`);
    assert.deepEqual(next.json<{ tags: string[] }>().tags, ['b', 'c']);
  } },
  { name: 'tags of an unknown repository: 404 NAME_UNKNOWN', async run(base, repo) {
    const response = await api(`${base}/v2/${repo}-none/tags/list`);
    assert.equal(response.status, 404);
    assert.deepEqual(response.codes(), ['NAME_UNKNOWN']);
  } },
  { name: 'referrers: subject answered with OCI-Subject, listed, filtered by artifactType',
    distributionDeparts: 'distribution 2.8 predates OCI 1.1: no referrers API and no OCI-Subject header',
    async run(base, repo) {
      const { manifest: subject } = await pushImage(base, repo, 'v1');
      const empty = { bytes: Buffer.from('{}'), digest: digestOf(Buffer.from('{}')) };
      await pushBlob(base, repo, empty);
      const signature = imageManifest({ config: empty, configMediaType: OCI_EMPTY, layers: [], subject, artifactType: 'application/vnd.example.sig', annotations: { kind: 'sig' } });
      const sbom = imageManifest({ config: empty, configMediaType: OCI_EMPTY, layers: [], subject, artifactType: 'application/vnd.example.sbom' });
      for (const referrer of [signature, sbom]) {
        const pushed = await pushManifest(base, repo, referrer.digest, referrer);
        assert.equal(pushed.status, 201);
        assert.equal(pushed.headers.get('oci-subject'), subject.digest);
      }
      const listed = await api(`${base}/v2/${repo}/referrers/${subject.digest}`);
      assert.equal(listed.status, 200);
      assert.equal(listed.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json');
      const digests = listed.json<{ manifests: Array<{ digest: string }> }>().manifests.map((m) => m.digest).sort();
      assert.deepEqual(digests, [signature.digest, sbom.digest].sort());
      const filtered = await api(`${base}/v2/${repo}/referrers/${subject.digest}?artifactType=application/vnd.example.sig`);
      assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
      const only = filtered.json<{ manifests: Array<{ digest: string; artifactType: string; annotations: object }> }>().manifests;
      assert.deepEqual(only.map((m) => [m.digest, m.artifactType]), [[signature.digest, 'application/vnd.example.sig']]);
      assert.deepEqual(only[0].annotations, { kind: 'sig' });
      const none = await api(`${base}/v2/${repo}/referrers/${randomBlob(4).digest}`);
      assert.equal(none.status, 200);
      assert.deepEqual(none.json<{ manifests: unknown[] }>().manifests, []);
    } },
  { name: '_catalog with pagination', async run(base, repo) {
    await pushImage(base, `${repo}/a`, 'v1');
    await pushImage(base, `${repo}/b`, 'v1');
    const all = await api(`${base}/v2/_catalog`);
    const names = all.json<{ repositories: string[] }>().repositories;
    assert.ok(names.includes(`${repo}/a`) && names.includes(`${repo}/b`));
    const page = await api(`${base}/v2/_catalog?n=1&last=${repo}/a`);
    assert.deepEqual(page.json<{ repositories: string[] }>().repositories, [`${repo}/b`]);
    assert.match(page.headers.get('link') ?? '', /rel="next"/);
  } },
  // ---- content management ----
  { name: 'DELETE a tag removes only that tag', distributionDeparts: 'distribution 2.8 refuses tag deletion (UNSUPPORTED)', async run(base, repo) {
    const { manifest } = await pushImage(base, repo, 'one');
    await pushManifest(base, repo, 'two', manifest);
    assert.equal((await api(`${base}/v2/${repo}/manifests/one`, { method: 'DELETE' })).status, 202);
    assert.equal((await api(`${base}/v2/${repo}/manifests/one`)).status, 404);
    assert.equal((await api(`${base}/v2/${repo}/manifests/two`)).status, 200);
    assert.equal((await api(`${base}/v2/${repo}/manifests/${manifest.digest}`)).status, 200);
  } },
  { name: 'DELETE a manifest by digest: 202, then 404', async run(base, repo) {
    const { manifest } = await pushImage(base, repo, 'v1');
    assert.equal((await api(`${base}/v2/${repo}/manifests/${manifest.digest}`, { method: 'DELETE' })).status, 202);
    const got = await api(`${base}/v2/${repo}/manifests/${manifest.digest}`);
    assert.equal(got.status, 404);
    assert.deepEqual(got.codes(), ['MANIFEST_UNKNOWN']);
  } },
  { name: 'DELETE a blob: 202, then 404', async run(base, repo) {
    const blob = randomBlob(64);
    await pushBlob(base, repo, blob);
    assert.equal((await api(`${base}/v2/${repo}/blobs/${blob.digest}`, { method: 'DELETE' })).status, 202);
    assert.equal((await api(`${base}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })).status, 404);
  } },
  { name: 'oversized manifest (over 4 MiB): 413', distributionDeparts: 'distribution 2.8 sets no manifest size limit', async run(base, repo) {
    const config = randomBlob(20);
    await pushBlob(base, repo, config);
    const manifest = imageManifest({ config, layers: [], annotations: { pad: 'x'.repeat((4 << 20) + 10) } });
    const pushed = await pushManifest(base, repo, 'big', manifest);
    assert.equal(pushed.status, 413);
    assert.equal((await api(`${base}/v2/${repo}/manifests/big`)).status, 404);
  } },
];

async function runSuite(t: TestContext, target: 'wharf' | 'distribution', base: string): Promise<void> {
  for (const [index, item] of CASES.entries()) {
    const todo = target === 'distribution' ? item.distributionDeparts : undefined;
    await t.test(item.name, { todo }, () => item.run(base, `conformance/case${index}`));
  }
}

test('conformance: wharf registry', async (t) => {
  const server = await startWharfRegistry(t);
  await runSuite(t, 'wharf', server.url);
});

test('conformance: CNCF distribution registry', async (t) => {
  const distribution = await startDistribution(t);
  if (!distribution) return;
  await runSuite(t, 'distribution', distribution.url);
});
