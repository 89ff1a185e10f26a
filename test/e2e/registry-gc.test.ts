// `wharf registry gc`: marks from tags through indexes, referrers and layers, sweeps the rest, and is safe while
// the server keeps taking pushes.
import assert from 'node:assert/strict';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import {
  api, digestOf, imageIndex, imageManifest, OCI_EMPTY, pushBlob, pushImage, pushManifest, randomBlob, type ManifestData,
} from '../helpers/registry-http.ts';
import { startWharfRegistry, type WharfRegistry } from '../helpers/registry-server.ts';
import { makeWharf } from '../helpers/wharf-cli.ts';

/** Sets every file's time an hour back, as if pushed long before the collection (gc spares recent files). */
function ageAll(dir: string): void {
  const past = new Date(Date.now() - 3600_000);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), past, past);
  }
}

function blobCount(root: string): number {
  return readdirSync(join(root, 'blobs'), { recursive: true }).filter((path) => String(path).endsWith('/data')).length;
}

async function status(registry: WharfRegistry, path: string): Promise<number> {
  return (await api(`${registry.url}${path}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' } })).status;
}

/** Every tag of the repositories resolves, and every blob its manifests name is served. */
async function assertTagsIntact(registry: WharfRegistry, repos: string[]): Promise<void> {
  for (const repo of repos) {
    const { tags } = (await api(`${registry.url}/v2/${repo}/tags/list`)).json<{ tags: string[] }>();
    for (const tag of tags) {
      const manifest = await api(`${registry.url}/v2/${repo}/manifests/${tag}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
      assert.equal(manifest.status, 200, `${repo}:${tag}`);
      const { config, layers } = manifest.json<{ config: { digest: string }; layers: Array<{ digest: string }> }>();
      for (const blob of [config, ...layers]) {
        const got = await api(`${registry.url}/v2/${repo}/blobs/${blob.digest}`);
        assert.equal(got.status, 200, `${repo}:${tag} blob ${blob.digest}`);
        assert.equal(digestOf(got.body), blob.digest);
      }
    }
  }
}

test('gc keeps what tags reach (indexes, referrers, layers), sweeps the rest; --dry-run only lists', async (t) => {
  const registry = await startWharfRegistry(t);
  const wharf = makeWharf(t);
  const base = registry.url;
  const kept = await pushImage(base, 'app', 'keep', { layers: 2 });
  const untagged = await pushImage(base, 'app', 'drop');
  assert.equal((await api(`${base}/v2/app/manifests/drop`, { method: 'DELETE' })).status, 202);
  const loose = randomBlob(100);
  await pushBlob(base, 'app', loose);
  const one = await pushImage(base, 'multi', 'one');
  const two = await pushImage(base, 'multi', 'two');
  const index = imageIndex([one.manifest, two.manifest]);
  await pushManifest(base, 'multi', 'all', index);
  for (const tag of ['one', 'two']) await api(`${base}/v2/multi/manifests/${tag}`, { method: 'DELETE' });
  const empty = { bytes: Buffer.from('{}'), digest: digestOf(Buffer.from('{}')) };
  await pushBlob(base, 'app', empty);
  const signature: ManifestData = imageManifest({ config: empty, configMediaType: OCI_EMPTY, layers: [], subject: kept.manifest, artifactType: 'application/vnd.example.sig' });
  await pushManifest(base, 'app', signature.digest, signature);
  ageAll(registry.root);
  const before = blobCount(registry.root);

  const dry = ok(await wharf.run(['registry', 'gc', '--root', registry.root, '--dry-run']), 'gc --dry-run');
  assert.match(dry.stdout, new RegExp(`blob eligible for deletion: ${loose.digest}`));
  assert.equal(blobCount(registry.root), before);

  const plain = ok(await wharf.run(['registry', 'gc', '--root', registry.root]), 'gc');
  assert.match(plain.stdout, /blobs marked, 1 blobs and 0 manifests deleted/);
  assert.equal(blobCount(registry.root), before - 1);
  assert.equal(await status(registry, `/v2/app/blobs/${loose.digest}`), 404);
  assert.equal(await status(registry, `/v2/app/manifests/${untagged.manifest.digest}`), 200);

  const strict = ok(await wharf.run(['registry', 'gc', '--root', registry.root, '--delete-untagged']), 'gc --delete-untagged');
  assert.match(strict.stdout, new RegExp(`manifest eligible for deletion: app@${untagged.manifest.digest}`));
  assert.equal(await status(registry, `/v2/app/manifests/${untagged.manifest.digest}`), 404);
  for (const blob of [untagged.config, ...untagged.layers]) assert.equal(await status(registry, `/v2/app/blobs/${blob.digest}`), 404);
  // kept: the tagged image, its referrer, the index and the untagged images under it
  for (const path of [`/v2/app/manifests/keep`, `/v2/app/manifests/${signature.digest}`, `/v2/multi/manifests/all`, `/v2/multi/manifests/${one.manifest.digest}`, `/v2/multi/manifests/${two.manifest.digest}`]) {
    assert.equal(await status(registry, path), 200, path);
  }
  for (const blob of [...kept.layers, ...one.layers, ...two.layers, two.config]) assert.equal(await status(registry, `/v2/${kept.layers.includes(blob) ? 'app' : 'multi'}/blobs/${blob.digest}`), 200);
  const referrers = (await api(`${base}/v2/app/referrers/${kept.manifest.digest}`)).json<{ manifests: Array<{ digest: string }> }>();
  assert.deepEqual(referrers.manifests.map((m) => m.digest), [signature.digest]);
});

test('gc while pushes continue: every tag pushed before, during and after stays whole; old garbage goes', async (t) => {
  const registry = await startWharfRegistry(t);
  const wharf = makeWharf(t);
  const base = registry.url;
  await pushImage(base, 'busy/old', 'v1');
  const garbage = [];
  for (let i = 0; i < 150; i++) garbage.push(randomBlob(64));
  for (const blob of garbage) await pushBlob(base, 'busy/old', blob);
  ageAll(registry.root);

  const gc = wharf.run(['registry', 'gc', '--root', registry.root, '--delete-untagged']);
  const pushed: string[] = [];
  let gcDone = false;
  void gc.then(() => (gcDone = true));
  // pushes during the collection, including re-uses of old, unreferenced blobs ("layer already exists")
  for (let i = 0; !gcDone || i < 3; i++) {
    const repo = `busy/new${i}`;
    await pushImage(base, repo, 'v1', { layers: 2 });
    const reuse = garbage[i];
    if ((await api(`${base}/v2/busy/old/blobs/${reuse.digest}`, { method: 'HEAD' })).status === 200) {
      const config = randomBlob(30);
      await pushBlob(base, 'busy/old', config);
      const manifest = imageManifest({ config, layers: [reuse] });
      const put = await pushManifest(base, 'busy/old', `reuse${i}`, manifest);
      // either the manifest lands with its blob kept, or it is refused because gc took the blob first
      assert.ok(put.status === 201 || put.codes().includes('MANIFEST_BLOB_UNKNOWN'), `${put.status} ${put.body}`);
    }
    pushed.push(repo);
  }
  const result = ok(await gc, 'gc');
  assert.match(result.stdout, /blobs marked/);
  assert.ok(pushed.length > 0);
  await assertTagsIntact(registry, ['busy/old', ...pushed]);
  const swept = garbage.filter((blob) => !statSafe(join(registry.root, 'blobs', 'sha256', blob.digest.slice(7, 9), blob.digest.slice(7), 'data')));
  assert.ok(swept.length > 100, `only ${swept.length} of the old unreferenced blobs were swept`);
});

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
