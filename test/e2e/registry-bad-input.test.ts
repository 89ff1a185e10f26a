// Hostile and broken requests to wharf's registry: the spec's status and error code, nothing stored, still serving;
// and a kill -9 in the middle of a push leaves no partial blob, while the client's retry (or resume) succeeds.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, digestOf, imageManifest, locationUrl, pushBlob, pushImage, randomBlob, withDigest } from '../helpers/registry-http.ts';
import { startWharfRegistry } from '../helpers/registry-server.ts';

interface RawResponse {
  status: number;
  codes: string[];
}

/** A request with the path sent exactly as given (fetch would resolve `..` before sending). */
function raw(base: string, method: string, path: string, body?: Buffer, headers: Record<string, string | number> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = request({ host: url.hostname, port: url.port, method, path, headers: body ? { 'Content-Length': body.length, ...headers } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        let codes: string[] = [];
        try {
          codes = (JSON.parse(Buffer.concat(chunks).toString()) as { errors: Array<{ code: string }> }).errors.map((e) => e.code);
        } catch {
          // not a JSON error body
        }
        resolve({ status: res.statusCode ?? 0, codes });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function storedFiles(root: string): string[] {
  return readdirSync(root, { recursive: true }).map(String).filter((path) => /^blobs\/.*\/data$|_manifests\/(revisions|tags)\/.*link$/.test(path)).sort();
}

test('bad requests get the spec status and code, store nothing, and the server keeps serving', async (t) => {
  const registry = await startWharfRegistry(t);
  const base = registry.url;
  const { config, layers } = await pushImage(base, 'app', 'v1');
  const before = storedFiles(registry.root);
  const manifestHeaders = { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' };
  const good = imageManifest({ config, layers });
  const upload = async () => locationUrl(base, (await api(`${base}/v2/app/blobs/uploads/`, { method: 'POST' })).headers.get('location'));
  const cases: Array<[string, () => Promise<RawResponse>, number, string]> = [
    ['malformed JSON manifest', () => raw(base, 'PUT', '/v2/app/manifests/bad', Buffer.from('{"schemaVersion": 2,'), manifestHeaders), 400, 'MANIFEST_INVALID'],
    ['manifest of an unknown media type', () => raw(base, 'PUT', '/v2/app/manifests/bad', Buffer.from('{"schemaVersion":2}'), { 'Content-Type': 'text/plain' }), 400, 'MANIFEST_INVALID'],
    ['mediaType disagreeing with Content-Type', () => raw(base, 'PUT', '/v2/app/manifests/bad', good.bytes, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' }), 400, 'MANIFEST_INVALID'],
    ['manifest with a descriptor lacking a digest', () => raw(base, 'PUT', '/v2/app/manifests/bad', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: manifestHeaders['Content-Type'], config: { mediaType: 'x', size: 1 }, layers: [] })), manifestHeaders), 400, 'MANIFEST_INVALID'],
    ['manifest naming a missing blob', () => raw(base, 'PUT', '/v2/app/manifests/bad', imageManifest({ config, layers: [randomBlob(9)] }).bytes, manifestHeaders), 400, 'MANIFEST_BLOB_UNKNOWN'],
    ['manifest PUT under a digest that is not its own', () => raw(base, 'PUT', `/v2/app/manifests/${randomBlob(3).digest}`, good.bytes, manifestHeaders), 400, 'DIGEST_INVALID'],
    ['oversized manifest', () => raw(base, 'PUT', '/v2/app/manifests/big', Buffer.alloc((4 << 20) + 1, 32), manifestHeaders), 413, 'MANIFEST_INVALID'],
    ['blob bytes that do not match the digest', async () => raw(base, 'PUT', pathOf(withDigest(await upload(), randomBlob(5).digest)), Buffer.from('other bytes')), 400, 'DIGEST_INVALID'],
    ['finishing an upload without a digest', async () => raw(base, 'PUT', pathOf(await upload()), Buffer.from('x')), 400, 'DIGEST_INVALID'],
    ['a chunk that skips ahead', async () => raw(base, 'PATCH', pathOf(await upload()), Buffer.alloc(10), { 'Content-Range': '5-14' }), 416, 'RANGE_INVALID'],
    ['a chunk whose Content-Range disagrees with its length', async () => raw(base, 'PATCH', pathOf(await upload()), Buffer.alloc(10), { 'Content-Range': '0-99' }), 416, 'RANGE_INVALID'],
    ['an unknown upload ID', () => raw(base, 'PATCH', '/v2/app/blobs/uploads/2b1c5f0e-7a1d-4d8e-9f00-0123456789ab', Buffer.alloc(4)), 404, 'BLOB_UPLOAD_UNKNOWN'],
    ['an upload ID that is a path', () => raw(base, 'GET', '/v2/app/blobs/uploads/..%2F..%2Fblobs'), 404, 'BLOB_UPLOAD_UNKNOWN'],
    ['../ in a name', () => raw(base, 'POST', '/v2/../../etc/blobs/uploads/'), 400, 'NAME_INVALID'],
    ['../ inside a name', () => raw(base, 'GET', '/v2/app/../other/tags/list'), 400, 'NAME_INVALID'],
    ['a name over 255 characters', () => raw(base, 'POST', `/v2/${'a/'.repeat(128)}b/blobs/uploads/`), 400, 'NAME_INVALID'],
    ['an uppercase name', () => raw(base, 'GET', '/v2/App/tags/list'), 400, 'NAME_INVALID'],
    ['a malformed digest', () => raw(base, 'GET', '/v2/app/blobs/sha256:nothex'), 400, 'DIGEST_INVALID'],
    ['an unsupported digest algorithm', () => raw(base, 'GET', `/v2/app/blobs/md5:${'0'.repeat(32)}`), 400, 'DIGEST_INVALID'],
    ['a negative page size', () => raw(base, 'GET', '/v2/app/tags/list?n=-1'), 400, 'PAGINATION_NUMBER_INVALID'],
    ['an invalid tag', () => raw(base, 'PUT', '/v2/app/manifests/-bad', good.bytes, manifestHeaders), 400, 'TAG_INVALID'],
  ];
  for (const [what, send, status, code] of cases) {
    const response = await send();
    assert.equal(response.status, status, what);
    assert.deepEqual(response.codes, [code], what);
  }
  assert.deepEqual(storedFiles(registry.root), before);
  assert.deepEqual(readdirSync(join(registry.root, '_tmp')), []);
  assert.equal((await api(`${base}/v2/`)).status, 200);
  assert.equal((await api(`${base}/v2/app/manifests/v1`)).status, 200);
});

test('kill -9 during a push: no partial blob is visible; the session resumes after restart, and a fresh retry works too', async (t) => {
  const registry = await startWharfRegistry(t);
  const base = registry.url;
  const blob = randomBlob(8 << 20);
  const location = locationUrl(base, (await api(`${base}/v2/big/blobs/uploads/`, { method: 'POST' })).headers.get('location'));
  const half = 3 << 20;
  await new Promise<void>((resolve) => {
    const req = request(location, { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.bytes.length } });
    req.on('error', () => resolve());
    req.write(blob.bytes.subarray(0, half), () => setTimeout(() => (process.kill(registry.pid(), 'SIGKILL'), resolve()), 300));
  });
  await registry.stop();
  await registry.restart();
  assert.equal((await api(`${base}/v2/big/blobs/${blob.digest}`, { method: 'HEAD' })).status, 404);
  const blobs = join(registry.root, 'blobs');
  assert.deepEqual(existsSync(blobs) ? readdirSync(blobs, { recursive: true }).filter((p) => String(p).endsWith('data')) : [], []);

  // resume: the session reports what reached the disk, and continues from there
  const status = await api(location);
  assert.equal(status.status, 204);
  const offset = Number(/^0-(\d+)$/.exec(status.headers.get('range') ?? '')?.[1]) + 1;
  assert.ok(offset > 0 && offset <= half, `offset ${offset}`);
  const rest = blob.bytes.subarray(offset);
  const patched = await api(location, { method: 'PATCH', body: rest, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${blob.bytes.length - 1}` } });
  assert.equal(patched.status, 202);
  assert.equal((await api(withDigest(location, blob.digest), { method: 'PUT' })).status, 201);
  assert.equal(digestOf((await api(`${base}/v2/big/blobs/${blob.digest}`)).body), blob.digest);

  // and a client that starts over instead gets its blob too
  const other = randomBlob(1 << 20);
  assert.equal((await pushBlob(base, 'big', other)).status, 201);
});

test('a client hanging up mid-chunk: the chunk is dropped whole and the same session takes it again', async (t) => {
  const registry = await startWharfRegistry(t);
  const blob = randomBlob(4 << 20);
  const location = locationUrl(registry.url, (await api(`${registry.url}/v2/app/blobs/uploads/`, { method: 'POST' })).headers.get('location'));
  await new Promise<void>((resolve) => {
    const req = request(location, { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.bytes.length } });
    req.on('error', () => resolve());
    req.write(blob.bytes.subarray(0, 1 << 20), () => setTimeout(() => (req.destroy(), resolve()), 200));
  });
  let status = await api(location);
  for (let i = 0; i < 20 && status.headers.get('range') !== '0-0'; i++) status = await api(location);
  assert.equal(status.headers.get('range'), '0-0');
  const patched = await api(location, { method: 'PATCH', body: blob.bytes, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${blob.bytes.length - 1}` } });
  assert.equal(patched.status, 202);
  assert.equal((await api(withDigest(location, blob.digest), { method: 'PUT' })).status, 201);
  assert.equal(digestOf((await api(`${registry.url}/v2/app/blobs/${blob.digest}`)).body), blob.digest);
  assert.doesNotMatch(registry.log(), /^error:/m);
});
