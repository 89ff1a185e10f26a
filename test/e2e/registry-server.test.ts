// wharf's registry server driven by real clients: Docker 20.10 push/pull, skopeo copy to and from it, wharf's own client.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import { buildImage, busyboxFixture, writeClassicArchive, writeOciLayout } from '../helpers/image-builder.ts';
import { needPeers, skopeo, startDockerd } from '../helpers/peers.ts';
import { api, digestOf, imageIndex, pushBlob, pushImage, pushManifest, randomBlob } from '../helpers/registry-http.ts';
import { startWharfRegistry } from '../helpers/registry-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { makeWharf } from '../helpers/wharf-cli.ts';

/** Three layers (busybox, an app, a data file) in Docker's schema2 media types, as `docker save` would give. */
async function multiLayerImage() {
  return await buildImage({
    layers: [{ busybox: true }, [{ path: 'app', type: 'dir' }, { path: 'app/run.sh', type: 'file', mode: 0o755, content: '#!/bin/sh\necho run\n' }], [{ path: 'data.bin', type: 'file', content: Buffer.alloc(200_000, 3) }]],
    cmd: ['sh'],
    mediaTypes: 'docker',
  });
}

test('docker pushes a multi-layer image, re-pushes it with every layer already there, and pulls it back', async (t) => {
  const dockerd = await startDockerd(t);
  if (!dockerd) return;
  const registry = await startWharfRegistry(t);
  const dir = tempDir(t);
  const archive = join(dir, 'image.tar');
  await writeClassicArchive(archive, [{ image: await multiLayerImage(), repoTags: ['multi:1'] }]);
  ok(await dockerd.docker(['load', '-i', archive]), 'docker load');
  const name = `${registry.host}/team/multi`;
  ok(await dockerd.docker(['tag', 'multi:1', `${name}:v1`]));
  const first = ok(await dockerd.docker(['push', `${name}:v1`]), 'docker push');
  assert.equal((first.stdout.match(/: Pushed/g) ?? []).length, 3, first.stdout);
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(first.stdout)?.[1];
  assert.ok(digest, first.stdout);

  ok(await dockerd.docker(['tag', 'multi:1', `${name}:v2`]));
  const again = ok(await dockerd.docker(['push', `${name}:v2`]), 'docker re-push');
  assert.equal((again.stdout.match(/: Layer already exists/g) ?? []).length, 3, again.stdout);
  assert.match(again.stdout, new RegExp(`v2: digest: ${digest}`));
  assert.deepEqual((await api(`${registry.url}/v2/team/multi/tags/list`)).json(), { name: 'team/multi', tags: ['v1', 'v2'] });

  ok(await dockerd.docker(['rmi', `${name}:v1`, `${name}:v2`, 'multi:1']));
  const pulled = ok(await dockerd.docker(['pull', `${name}:v1`]), 'docker pull');
  assert.match(pulled.stdout, new RegExp(`Digest: ${digest}`));
  const inspected = ok(await dockerd.docker(['image', 'inspect', '-f', '{{len .RootFS.Layers}} {{json .Config.Cmd}}', `${name}:v1`]));
  assert.equal(inspected.stdout.trim(), '3 ["sh"]');
});

test('skopeo copies an OCI image into the registry and back out byte for byte', async (t) => {
  if (!needPeers(t, 'skopeo')) return;
  const registry = await startWharfRegistry(t);
  const dir = tempDir(t);
  const image = await busyboxFixture('busybox:latest', { compression: 'gzip' });
  await writeOciLayout(join(dir, 'src'), [{ image, repoTags: ['busybox:latest'] }]);
  ok(await skopeo(['copy', '--dest-tls-verify=false', `oci:${join(dir, 'src')}:latest`, `docker://${registry.host}/lib/busybox:1`]), 'skopeo copy in');
  const manifest = await api(`${registry.url}/v2/lib/busybox/manifests/1`, { headers: { Accept: image.manifestMediaType } });
  assert.equal(manifest.headers.get('docker-content-digest'), image.manifestDigest);
  assert.deepEqual(manifest.body, image.manifest);

  ok(await skopeo(['copy', '--src-tls-verify=false', `docker://${registry.host}/lib/busybox:1`, `oci:${join(dir, 'out')}:copy`]), 'skopeo copy out');
  const index = JSON.parse(readFileSync(join(dir, 'out', 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  assert.equal(index.manifests[0].digest, image.manifestDigest);
  for (const layer of image.layers) {
    const copied = readFileSync(join(dir, 'out', 'blobs', 'sha256', layer.digest.slice(7)));
    assert.equal(copied.length, layer.blob.size);
  }
  const inspected = JSON.parse(ok(await skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/lib/busybox:1`])).stdout) as { Digest: string; Layers: string[] };
  assert.equal(inspected.Digest, image.manifestDigest);
  assert.deepEqual(inspected.Layers, image.layers.map((layer) => layer.digest));
});

test('skopeo copy --all takes an index and every image under it out of the registry', async (t) => {
  if (!needPeers(t, 'skopeo')) return;
  const registry = await startWharfRegistry(t);
  const dir = tempDir(t);
  const amd = await pushImage(registry.url, 'multi/arch', 'amd64', { layers: 2 });
  const arm = await pushImage(registry.url, 'multi/arch', 'arm64', { layers: 1 });
  const index = imageIndex([amd.manifest, arm.manifest]);
  assert.equal((await pushManifest(registry.url, 'multi/arch', 'latest', index)).status, 201);
  ok(await skopeo(['copy', '--all', '--preserve-digests', '--src-tls-verify=false', `docker://${registry.host}/multi/arch:latest`, `oci:${join(dir, 'all')}:latest`]), 'skopeo copy --all');
  const blobs = join(dir, 'all', 'blobs', 'sha256');
  assert.deepEqual(readFileSync(join(blobs, index.digest.slice(7))), index.bytes);
  for (const image of [amd, arm]) {
    assert.deepEqual(readFileSync(join(blobs, image.manifest.digest.slice(7))), image.manifest.bytes);
    for (const layer of image.layers) assert.deepEqual(readFileSync(join(blobs, layer.digest.slice(7))), layer.bytes);
  }
  // and back in under another name: every blob mounts or uploads, and the index keeps its digest
  ok(await skopeo(['copy', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${join(dir, 'all')}:latest`, `docker://${registry.host}/multi/copy:latest`]), 'skopeo copy --all in');
  const head = await api(`${registry.url}/v2/multi/copy/manifests/latest`, { method: 'HEAD', headers: { Accept: index.mediaType } });
  assert.equal(head.headers.get('docker-content-digest'), index.digest);
});

test("wharf's own client pushes to the registry and another wharf pulls the same digest back", async (t) => {
  const registry = await startWharfRegistry(t);
  const pusher = makeWharf(t);
  const puller = makeWharf(t);
  const dir = tempDir(t);
  const archive = join(dir, 'busybox.tar');
  await writeClassicArchive(archive, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  ok(await pusher.run(['load', '-i', archive]));
  const name = `${registry.host}/team/busybox:1`;
  ok(await pusher.run(['tag', 'busybox:latest', name]));
  const pushed = ok(await pusher.run(['push', name]), 'wharf push');
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed.stdout)?.[1];
  assert.ok(digest, pushed.stdout);
  const pulled = ok(await puller.run(['pull', name]), 'wharf pull');
  assert.match(pulled.stdout, new RegExp(`Digest: ${digest}`));
  const ids = [pusher, puller].map(async (wharf) => ok(await wharf.run(['images', '-q', '--no-trunc', name])).stdout.trim());
  const [pushedId, pulledId] = await Promise.all(ids);
  assert.equal(pulledId, pushedId);
});

test('concurrent pushes of the same blob and of the same tag: one consistent result, no partial file', async (t) => {
  const registry = await startWharfRegistry(t);
  const blob = randomBlob(2 << 20);
  const results = await Promise.all(Array.from({ length: 10 }, () => pushBlob(registry.url, 'race/app', blob)));
  assert.deepEqual(results.map((result) => result.status), Array(10).fill(201));
  assert.equal(digestOf((await api(`${registry.url}/v2/race/app/blobs/${blob.digest}`)).body), blob.digest);
  const images = await Promise.all(Array.from({ length: 6 }, () => pushImage(registry.url, 'race/app', 'latest')));
  const served = await api(`${registry.url}/v2/race/app/manifests/latest`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
  assert.ok(images.some((image) => image.manifest.digest === served.headers.get('docker-content-digest')));
  assert.deepEqual(readdirSync(join(registry.root, '_tmp')), []);
});

test("the server re-executes itself with its own heap sizes, leaving the CLI's short-run ones behind", async (t) => {
  const registry = await startWharfRegistry(t);
  const flags = readFileSync(`/proc/${registry.pid()}/cmdline`, 'utf8').split('\0');
  assert.ok(flags.includes('--max-semi-space-size=2'), flags.join(' '));
  assert.deepEqual(flags.filter((flag) => flag.startsWith('--min-semi-space-size')), []);
  assert.equal((await api(`${registry.url}/v2/`)).status, 200);
});
