// `wharf pull` and `wharf push` against the real distribution registry behind a fault-injecting proxy: every failure is one
// line naming the image and the cause, exit 1, the store unchanged; the command succeeds once the registry behaves, or at
// once when the client's retries absorb the fault.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { ok, storeState, type StoreState } from '../helpers/cli-fixtures.ts';
import { startFaultProxy, type Fault, type FaultProxy, type FaultRule, type ManifestJson } from '../helpers/fault-proxy.ts';
import { writeClassicArchive } from '../helpers/image-archives.ts';
import { buildImage, type BuiltImage } from '../helpers/image-builder.ts';
import { needPeers, skopeo, startDistribution, type Distribution } from '../helpers/peers.ts';
import type { RunResult } from '../helpers/run-command.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const PEERS = ['docker-registry', 'skopeo'];
const REPOSITORY = 'faults/app';
const UNKNOWN_TYPE = 'application/vnd.example.unknown.v1+json';

describe('registry faults', { concurrency: 3 }, () => {
  const stops: Array<() => unknown> = [];
  const peers = { skip: () => undefined, after: (fn: () => unknown) => void stops.push(fn) };
  let registry: Distribution;
  let image: BuiltImage;
  let archive: string;
  let manifest: ManifestJson;
  /** The 24 MiB layer, as the registry stores it (gzip). */
  let big: string;

  before(async () => {
    if (!PEERS.every((program) => needPeers({ skip: () => undefined }, program))) return;
    image = await faultImage();
    archive = join(tempDir(peers), 'app.tar');
    await writeClassicArchive(archive, [{ image, repoTags: [`${REPOSITORY}:v1`] }]);
    registry = (await startDistribution(peers))!;
    manifest = await seed(registry, archive);
    big = manifest.layers[1].digest;
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  /** A fresh wharf and proxy for one test; undefined when the peers are missing. */
  async function setup(t: TestContext): Promise<{ wharf: Wharf; proxy: FaultProxy; name: string } | undefined> {
    if (!needPeers(t, ...PEERS)) return undefined;
    const proxy = await startFaultProxy(t, registry.url);
    return { wharf: makeWharf(t), proxy, name: `${proxy.host}/${REPOSITORY}:v1` };
  }

  describe('wharf pull', () => {
    it('registry down: names the refused dial, then succeeds once a registry listens on that port', async (t) => {
      if (!needPeers(t, ...PEERS)) return;
      const wharf = makeWharf(t);
      const port = await freePort();
      const name = `127.0.0.1:${port}/${REPOSITORY}:v1`;
      await pullFails(wharf, name, new RegExp(`^Error response from daemon: Get "http://127\\.0\\.0\\.1:${port}/v2/": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused$`));
      await startFaultProxy(t, registry.url, { port });
      await pullSucceeds(wharf, name, image);
    });

    it("gives each status on the manifest, bare or with the spec's error body, as one line naming the image", async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const repository = escape(`${proxy.host}/${REPOSITORY}`);
      const denied = `^Error response from daemon: pull access denied for ${repository}, repository does not exist or may require 'docker login': `;
      const failed = `^Error response from daemon: failed to pull ${repository}:v1: `;
      const cases: Array<{ status: number; error?: { code: string; message: string }; cause: string; retried?: boolean }> = [
        { status: 401, cause: `${denied}unauthorized: authentication required$` },
        { status: 401, error: { code: 'UNAUTHORIZED', message: 'authentication required' }, cause: `${denied}unauthorized: authentication required$` },
        { status: 403, cause: `${denied}denied: requested access to the resource is denied$` },
        { status: 403, error: { code: 'DENIED', message: 'requested access to the resource is denied' }, cause: `${denied}denied: requested access to the resource is denied$` },
        { status: 404, cause: `^Error response from daemon: manifest for ${repository}:v1 not found: not found$` },
        { status: 404, error: { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }, cause: `^Error response from daemon: manifest for ${repository}:v1 not found: manifest unknown: manifest unknown$` },
        { status: 429, cause: `${failed}toomanyrequests: too many requests$`, retried: true },
        { status: 429, error: { code: 'TOOMANYREQUESTS', message: 'slow down' }, cause: `${failed}toomanyrequests: slow down$`, retried: true },
        { status: 500, cause: `${failed}received unexpected HTTP status: 500 Internal Server Error$`, retried: true },
        { status: 500, error: { code: 'UNKNOWN', message: 'unknown error' }, cause: `${failed}unknown: unknown error$`, retried: true },
        { status: 503, cause: `${failed}received unexpected HTTP status: 503 Service Unavailable$`, retried: true },
        { status: 503, error: { code: 'UNAVAILABLE', message: 'service unavailable' }, cause: `${failed}unavailable: service unavailable$`, retried: true },
      ];
      for (const { status, error, cause, retried } of cases) {
        const fault = proxy.add({ method: 'GET', path: /\/manifests\//, action: { kind: 'status', status, error } });
        await pullFails(wharf, name, new RegExp(cause));
        // 429 and 5xx are tried four times in all (with backoff); the others once.
        assert.equal(fault.faulted, retried ? 4 : 1, `${status}: requests that got the fault`);
        fault.remove();
      }
      await pullSucceeds(wharf, name, image);
    });

    it('gives a status on a layer blob as one line naming the image and the layer', async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const prefix = `^Error response from daemon: failed to pull ${escape(name)}: layer ${big}: `;
      const cases: Array<{ status: number; error?: { code: string; message: string }; cause: string }> = [
        { status: 404, error: { code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }, cause: 'blob unknown: blob unknown to registry$' },
        { status: 403, cause: 'denied: requested access to the resource is denied$' },
        { status: 500, cause: 'received unexpected HTTP status: 500 Internal Server Error$' },
      ];
      for (const { status, error, cause } of cases) {
        const fault = proxy.add({ method: 'GET', path: blobPath(big), action: { kind: 'status', status, error } });
        await pullFails(wharf, name, new RegExp(prefix + cause));
        fault.remove();
      }
      await pullSucceeds(wharf, name, image);
    });

    it("succeeds when statuses, Retry-After and resets pass after a few tries: the client's retries absorb them", async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const faults = [
        proxy.add({ path: /^\/v2\/$/, times: 2, action: { kind: 'status', status: 503 } }),
        proxy.add({ method: 'GET', path: /\/manifests\//, times: 2, action: { kind: 'status', status: 429, retryAfter: 1 } }),
        proxy.add({ method: 'GET', path: blobPath(manifest.config.digest), times: 2, action: { kind: 'status', status: 502 } }),
        proxy.add({ method: 'GET', path: blobPath(manifest.layers[0].digest), times: 2, action: { kind: 'reset' } }),
        proxy.add({ method: 'GET', path: blobPath(manifest.layers[2].digest), times: 2, action: { kind: 'status', status: 500, error: { code: 'UNKNOWN', message: 'try again' } } }),
        // A body cut short is fetched again, as a whole.
        proxy.add({ method: 'GET', path: blobPath(big), times: 1, action: { kind: 'reset', afterBytes: 1 << 20 } }),
      ];
      await pullSucceeds(wharf, name, image);
      for (const fault of faults) assert.ok(fault.faulted === (fault === faults.at(-1) ? 1 : 2) && fault.hits > fault.faulted, `a fault was met and then passed: ${fault.faulted}/${fault.hits}`);
    });

    it('refuses a layer or a config whose bytes do not match their digest', async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const prefix = `^Error response from daemon: failed to pull ${escape(name)}: `;
      const layer = proxy.add({ method: 'GET', path: blobPath(big), action: { kind: 'corrupt' } });
      // gzip's own check may see the flipped byte before the digest is complete: either way the layer is named.
      await pullFails(wharf, name, new RegExp(`${prefix}layer ${big}: (digest mismatch|archive is corrupt: gzip: incorrect data check)`));
      layer.remove();
      const config = proxy.add({ method: 'GET', path: blobPath(manifest.config.digest), action: { kind: 'corrupt' } });
      await pullFails(wharf, name, new RegExp(`${prefix}config ${manifest.config.digest}: digest mismatch: expected ${manifest.config.digest}, got sha256:[0-9a-f]{64}$`));
      config.remove();
      await pullSucceeds(wharf, name, image);
    });

    it('refuses a manifest that lies about layer sizes', async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const size = manifest.layers[1].size;
      for (const lie of [-10, 10]) {
        const fault = proxy.add({ method: 'GET', path: /\/manifests\//, action: { kind: 'manifest', edit: (served) => void (served.layers[1].size = size + lie) } });
        await pullFails(wharf, name, new RegExp(`^Error response from daemon: failed to pull ${escape(name)}: layer ${big}: size mismatch: expected ${size + lie} bytes, got ${size}$`));
        fault.remove();
      }
      await pullSucceeds(wharf, name, image);
    });

    it('refuses a body cut short on every try (truncated, or reset mid-way), and resumes from its bytes once it flows', async (t) => {
      if (!needPeers(t, ...PEERS)) return;
      const proxy = await startFaultProxy(t, registry.url);
      const name = `${proxy.host}/${REPOSITORY}:v1`;
      const cut = new RegExp(`^Error response from daemon: failed to pull ${escape(name)}: layer ${big}: unexpected EOF: the connection closed before the whole blob arrived$`);
      const actions: FaultRule['action'][] = [{ kind: 'truncate', afterBytes: 1 << 20 }, { kind: 'reset', afterBytes: 2 << 20 }];
      for (const action of actions) {
        const wharf = makeWharf(t);
        const fault = proxy.add({ method: 'GET', path: blobPath(big), action });
        await pullFails(wharf, name, cut, { resumable: big });
        assert.equal(fault.faulted, 3, `${action.kind}: the layer is tried three times`);
        fault.remove();
        await pullSucceeds(wharf, name, image);
      }
      assert.ok(proxy.log.some((line) => /range=bytes=[1-9]\d*-$/.test(line)), 'a later try asks only for the rest');
    });

    it('survives a Content-Length longer than the body by resuming, and refuses one shorter', async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const longer = proxy.add({ method: 'GET', path: blobPath(big), times: 1, action: { kind: 'content-length', extra: 1000 } });
      await pullSucceeds(wharf, name, image);
      assert.equal(longer.faulted, 1);
      const other = makeWharf(t);
      proxy.add({ method: 'GET', path: blobPath(big), action: { kind: 'content-length', extra: -1000 } });
      await pullFails(other, name, new RegExp(`^Error response from daemon: failed to pull ${escape(name)}: layer ${big}: (digest|size) mismatch`));
      proxy.clear();
      await pullSucceeds(other, name, image);
    });

    it('fails cleanly when the registry is killed mid-layer, and succeeds once a registry is back', async (t) => {
      if (!needPeers(t, ...PEERS)) return;
      const own = (await startDistribution(t))!;
      await seed(own, archive);
      const proxy = await startFaultProxy(t, own.url);
      const wharf = makeWharf(t);
      const name = `${proxy.host}/${REPOSITORY}:v1`;
      const stall = proxy.add({ method: 'GET', path: blobPath(big), times: 1, action: { kind: 'stall', afterBytes: 1 << 20 } });
      const before = await storeState(wharf);
      const pulling = wharf.run(['pull', name]);
      await untilStalled(stall, pulling);
      await own.stop();
      stall.release();
      // Whichever layer meets the dead registry first is named: the cut one, or another still to fetch (502 from the proxy).
      const cause = '(received unexpected HTTP status: 502 Bad Gateway|unexpected EOF: the connection closed before the whole blob arrived)';
      assertOneLine(await pulling, new RegExp(`^Error response from daemon: failed to pull ${escape(name)}: layer sha256:[0-9a-f]{64}: ${cause}$`));
      const after = await storeState(wharf);
      assert.deepEqual({ ...after, ingest: [] }, before);
      // the cut layer, and any other layer in flight when the registry died, keep their bytes to resume from; nothing else stays
      const layers = manifest.layers.map((layer) => layer.digest.slice(7)).join('|');
      for (const entry of after.ingest) assert.match(entry, new RegExp(`^\\d+-resume-(${layers})$`), 'only partial layers, kept to resume from');
      const back = (await startDistribution(t))!;
      await seed(back, archive);
      proxy.setUpstream(back.url);
      await pullSucceeds(wharf, name, image);
    });

    it('refuses an unknown manifest media type', async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const fault = proxy.add({ method: 'GET', path: /\/manifests\//, action: { kind: 'manifest', edit: (served) => void (served.mediaType = UNKNOWN_TYPE) } });
      await pullFails(wharf, name, new RegExp(`^Error response from daemon: failed to pull ${escape(name)}: unsupported manifest media type ${escape(UNKNOWN_TYPE)} for sha256:[0-9a-f]{64}$`));
      fault.remove();
      await pullSucceeds(wharf, name, image);
    });

    it('waits out a stalled body and completes once it flows again', async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const stall = proxy.add({ method: 'GET', path: blobPath(big), times: 1, action: { kind: 'stall', afterBytes: 4 << 20 } });
      const pulling = wharf.run(['pull', name]);
      await untilStalled(stall, pulling);
      stall.release();
      ok(await pulling);
      assert.match(ok(await wharf.run(['images', '-q'])).stdout, new RegExp(`^${image.id.slice(7, 19)}\n$`));
    });

    it('refuses malformed references before sending any request', async (t) => {
      const env = await setup(t);
      if (!env) return;
      const { wharf, proxy } = env;
      const cases: Array<[string, RegExp]> = [
        [`${proxy.host}/Faults/App:v1`, /^invalid reference format: repository name \(.*Faults\/App\) must be lowercase$/],
        [`${proxy.host}/${REPOSITORY}:v1:v2`, /^invalid reference format$/],
        [`${proxy.host}/${REPOSITORY}@sha256:abc`, /^invalid reference format$/],
        [`${proxy.host}/${REPOSITORY}:-v1`, /^invalid reference format$/],
      ];
      for (const [name, pattern] of cases) await pullFails(wharf, name, pattern);
      assert.deepEqual(proxy.log, [], 'no request reached the registry');
    });
  });

  describe('wharf push', () => {
    /** A wharf holding the image (loaded, so the push gzips its layers) tagged for a repository of its own behind the proxy. */
    async function pushSetup(t: TestContext, host?: string): Promise<{ wharf: Wharf; proxy?: FaultProxy; name: string } | undefined> {
      const env = host ? { wharf: makeWharf(t), proxy: undefined, host } : await setup(t).then((made) => made && { ...made, host: made.proxy.host });
      if (!env) return undefined;
      ok(await env.wharf.run(['load', '-q', '-i', archive]));
      const name = `${env.host}/faults/pushed-${randomBytes(4).toString('hex')}:v1`;
      ok(await env.wharf.run(['tag', `${REPOSITORY}:v1`, name]));
      return { wharf: env.wharf, proxy: env.proxy, name };
    }

    it('registry down: names the refused dial, then succeeds once a registry listens on that port', async (t) => {
      if (!needPeers(t, ...PEERS)) return;
      const port = await freePort();
      const { wharf, name } = (await pushSetup(t, `127.0.0.1:${port}`))!;
      // Docker prints push errors as its push stream carries them: without the daemon's prefix.
      await pushFails(wharf, name, new RegExp(`^Get "http://127\\.0\\.0\\.1:${port}/v2/": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused$`));
      await startFaultProxy(t, registry.url, { port });
      await pushSucceeds(wharf, name);
    });

    it('gives a refused upload, a failing blob PUT and a failing manifest PUT as one line, and leaves no tag behind', async (t) => {
      const env = await pushSetup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const cases: Array<{ rule: FaultRule; cause: RegExp }> = [
        { rule: { method: 'POST', path: /\/blobs\/uploads\/$/, action: { kind: 'status', status: 403, error: { code: 'DENIED', message: 'requested access to the resource is denied' } } }, cause: /denied: requested access to the resource is denied$/ },
        { rule: { method: 'PUT', path: /\/blobs\/uploads\/.*digest=/, action: { kind: 'status', status: 500 } }, cause: /received unexpected HTTP status: 500 Internal Server Error$/ },
        { rule: { method: 'PUT', path: /\/manifests\//, action: { kind: 'status', status: 400, error: { code: 'MANIFEST_INVALID', message: 'manifest invalid' } } }, cause: /manifest invalid: manifest invalid$/ },
      ];
      for (const { rule, cause } of cases) {
        const fault = proxy!.add(rule);
        await pushFails(wharf, name, cause);
        assert.ok(fault.faulted > 0, `${rule.method} ${rule.path} was met`);
        fault.remove();
      }
      await pushSucceeds(wharf, name);
    });

    it('fails cleanly when the registry is killed mid-upload, and succeeds once a registry is back', async (t) => {
      if (!needPeers(t, ...PEERS)) return;
      const own = (await startDistribution(t))!;
      const proxy = await startFaultProxy(t, own.url);
      const env = (await pushSetup(t, proxy.host))!;
      const { wharf, name } = env;
      // Every layer's upload stalls past its first MiB: a loaded image's layers stream in a PATCH as they are gzipped.
      const stall = proxy.add({ method: 'PATCH', path: /\/blobs\/uploads\//, action: { kind: 'stall-upload', afterBytes: 1 << 20 } });
      const { images } = await storeState(wharf);
      const pushing = wharf.run(['push', name]);
      await untilStalled(stall, pushing);
      await own.stop();
      stall.remove();
      const result = await pushing;
      assertOneLine(result, /^layer sha256:[0-9a-f]{64}: (received unexpected HTTP status: 502 Bad Gateway|Put "[^"]+": (read ECONNRESET|write EPIPE|socket hang up))$/);
      const after = await storeState(wharf);
      assert.deepEqual({ images: after.images, ingest: after.ingest, check: after.check }, { images, ingest: [], check: '0 store is consistent\n' });
      assert.equal(ok(await wharf.run(['inspect', '-f', '{{json .RepoDigests}}', name])).stdout, '[]\n', 'no repo digest recorded');
      const back = (await startDistribution(t))!;
      proxy.setUpstream(back.url);
      const output = ok(await wharf.run(['push', name]), 'push').stdout;
      const digest = output.match(/^v1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m)?.[1];
      const [, path] = name.match(/^[^/]+\/(.+):v1$/)!;
      const served = await fetch(`${back.url}/v2/${path}/manifests/v1`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      assert.equal(served.headers.get('docker-content-digest'), digest);
    });

    it("succeeds when statuses and resets pass after a few tries: the client's retries absorb them", async (t) => {
      const env = await pushSetup(t);
      if (!env) return;
      const { wharf, proxy, name } = env;
      const faults = [
        proxy!.add({ method: 'POST', path: /\/blobs\/uploads\/$/, times: 2, action: { kind: 'status', status: 503 } }),
        // A blob PUT streams its body: after a reset the whole blob is sent again.
        proxy!.add({ method: 'PUT', path: /\/blobs\/uploads\/.*digest=/, times: 1, action: { kind: 'reset' } }),
        proxy!.add({ method: 'PUT', path: /\/manifests\//, times: 2, action: { kind: 'status', status: 500 } }),
      ];
      await pushSucceeds(wharf, name);
      for (const fault of faults) assert.ok(fault.faulted > 0 && fault.hits > fault.faulted, `a fault was met and then passed: ${fault.faulted}/${fault.hits}`);
    });
  });

  /** Pushes, and checks the registry serves the tag with the digest push printed. */
  async function pushSucceeds(wharf: Wharf, name: string): Promise<void> {
    const output = ok(await wharf.run(['push', name]), 'push').stdout;
    const digest = output.match(/^v1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m)?.[1];
    assert.ok(digest, output);
    assert.equal(await registryDigest(name), digest);
    assert.equal((await storeState(wharf)).check, '0 store is consistent\n');
  }

  /** One line, exit 1, the images as they were, and the tag absent from the registry. Gzipped layers stay: they are remembered. */
  async function pushFails(wharf: Wharf, name: string, cause: RegExp): Promise<void> {
    const { images, ingest, check } = await storeState(wharf);
    const digests = ok(await wharf.run(['inspect', '-f', '{{json .RepoDigests}}', name])).stdout;
    assertOneLine(await wharf.run(['push', name]), cause);
    const after = await storeState(wharf);
    assert.deepEqual({ images: after.images, ingest: after.ingest, check: after.check }, { images, ingest, check });
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{json .RepoDigests}}', name])).stdout, digests, 'no repo digest recorded');
    assert.equal(await registryDigest(name), undefined, 'the tag is not in the registry');
  }

  /** The digest the registry (behind any proxy: same storage) gives the pushed tag, or undefined. */
  async function registryDigest(name: string): Promise<string | undefined> {
    const [, path, tag] = name.match(/^[^/]+\/(.+):([^:]+)$/)!;
    const response = await fetch(`${registry.url}/v2/${path}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' } });
    return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
  }
});

/** Three layers: a tiny one, 24 MiB and 2 MiB of random bytes (gzip cannot shrink them, so there is something to cut). */
function faultImage(): Promise<BuiltImage> {
  return buildImage({
    layers: [
      [{ path: 'etc', type: 'dir' }, { path: 'etc/hello', type: 'file', content: 'hello\n' }],
      [{ path: 'data', type: 'dir' }, { path: 'data/big.bin', type: 'file', content: randomBytes(24 << 20) }],
      [{ path: 'data', type: 'dir' }, { path: 'data/small.bin', type: 'file', content: randomBytes(2 << 20) }],
    ],
    mediaTypes: 'docker',
  });
}

/** skopeo pushes the archive, gzipping the layers as any client would; returns the manifest the registry serves. */
async function seed(registry: Distribution, archive: string): Promise<ManifestJson> {
  const copied = await skopeo(['copy', '-q', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${registry.host}/${REPOSITORY}:v1`]);
  assert.equal(copied.code, 0, copied.stderr);
  const response = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/v1`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  return (await response.json()) as ManifestJson;
}

/**
 * One line, exit 1, the store as it was. A layer cut mid-body may leave its bytes in ingest/<pid>-resume-<hex> for the
 * next pull to go on from (`resumable`); nothing else may stay.
 */
async function pullFails(wharf: Wharf, name: string, cause: RegExp, options: { resumable?: string } = {}): Promise<void> {
  const resumeFile = options.resumable && new RegExp(`^\\d+-resume-${options.resumable.slice('sha256:'.length)}$`);
  const withoutResumeFile = (state: StoreState) => ({ ...state, ingest: state.ingest.filter((file) => !resumeFile || !resumeFile.test(file)) });
  const before = withoutResumeFile(await storeState(wharf));
  assertOneLine(await wharf.run(['pull', name]), cause);
  assert.deepEqual(withoutResumeFile(await storeState(wharf)), before);
}

async function pullSucceeds(wharf: Wharf, name: string, image: BuiltImage): Promise<void> {
  ok(await wharf.run(['pull', name]), 'pull');
  assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', name])).stdout.trim(), image.id);
  const state: StoreState = await storeState(wharf);
  assert.equal(state.check, '0 store is consistent\n');
  assert.deepEqual(state.ingest, []);
}

/** Exit 1 and exactly one line on stderr (progress lines may precede it on stdout, as with Docker). */
function assertOneLine(result: RunResult, cause: RegExp): void {
  assert.equal(result.code, 1, `expected exit 1, got ${result.code}: ${result.stderr}`);
  assert.match(result.stderr, /^[^\n]+\n$/, `one line on stderr, got: ${JSON.stringify(result.stderr)}`);
  assert.match(result.stderr.slice(0, -1), cause);
}

/** Waits for the stall; a command that ends first (having met no stall) fails the test instead of hanging it. */
async function untilStalled(stall: Fault, running: Promise<RunResult>): Promise<void> {
  const ended = running.then((result) => assert.fail(`ended before any stall: ${result.code} ${result.stderr}`));
  await Promise.race([stall.stalled, ended]);
}

function blobPath(digest: string): RegExp {
  return new RegExp(`/blobs/${escape(digest)}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
