// `wharf copy` between OCI layouts, docker archives, the local store and a registry, with skopeo as the peer that reads and writes
// the same formats: digests identical both ways, multi-platform indexes whole or per platform, and corrupt inputs refused cleanly.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, writeSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { failsWithOneLine, lines, ok, readTarFiles, WHARF_BIN, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxFixture, type BuiltImage } from '../helpers/image-builder.ts';
import { blobFile, writeLayout, writeMultiPlatformLayout } from '../helpers/oci-layout-builder.ts';
import { needPeers, skopeo, startDistribution, startDockerd } from '../helpers/peers.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

const HOST_ARCH = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;
const OTHER_ARCH = HOST_ARCH === 'amd64' ? 'arm64' : 'amd64';

interface Index {
  manifests: Array<{ mediaType: string; digest: string; size: number; annotations?: Record<string, string> }>;
}

function layoutIndex(dir: string): Index {
  return JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Index;
}

/** Every file under a directory with a hash of its content: "as it was" means this is unchanged. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const files: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return files;
}

async function busyboxArchive(dir: string, format: 'classic' | 'oci' = 'oci'): Promise<{ image: BuiltImage; archive: string }> {
  const image = await busyboxFixture('busybox');
  const archive = await writeArchive(join(dir, `busybox-${format}.tar`), format, [{ image, repoTags: ['busybox:latest'] }]);
  return { image, archive };
}

describe('wharf copy', { concurrency: 4 }, () => {
  it("writes an OCI layout skopeo reads, keeping the archive's manifest digest, with skopeo's lines", async (t) => {
    if (!needPeers(t, 'skopeo')) return;
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const { image, archive } = await busyboxArchive(dir);
    const layout = join(dir, 'layout');
    const output = lines(ok(await wharf.run(['copy', `docker-archive:${archive}`, `oci:${layout}:v1`])).stdout);
    assert.deepEqual(output, [
      `Copying config ${image.id}`,
      ...image.layers.map((layer) => `Copying blob ${layer.digest}`),
      'Writing manifest to image destination',
    ]);
    const [entry] = layoutIndex(layout).manifests;
    assert.equal(entry.digest, image.manifestDigest);
    assert.deepEqual(entry.annotations, { 'org.opencontainers.image.ref.name': 'v1' });
    const inspected = JSON.parse(ok(await skopeo(['inspect', `oci:${layout}:v1`])).stdout) as { Digest: string; Layers: string[] };
    assert.equal(inspected.Digest, image.manifestDigest);
    assert.deepEqual(inspected.Layers, image.layers.map((layer) => layer.digest));
    ok(await skopeo(['copy', `oci:${layout}:v1`, `docker-archive:${join(dir, 'by-skopeo.tar')}:busybox:v1`]), 'skopeo copy');
    // A second tag of the same image adds an entry without copying a blob again.
    const again = lines(ok(await wharf.run(['copy', `docker-archive:${archive}`, `oci:${layout}:v2`])).stdout);
    assert.ok(again.every((line) => line.endsWith('skipped: already exists') || line === 'Writing manifest to image destination'), again.join('\n'));
    assert.deepEqual(layoutIndex(layout).manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name']), ['v1', 'v2']);
  });

  it('copies a layout skopeo wrote to a docker archive wharf loads, manifest digest unchanged', async (t) => {
    if (!needPeers(t, 'skopeo')) return;
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const { image, archive } = await busyboxArchive(dir, 'classic');
    const layout = join(dir, 'skopeo-layout');
    ok(await skopeo(['copy', `docker-archive:${archive}`, `oci:${layout}:v1`]), 'skopeo copy');
    const skopeoDigest = layoutIndex(layout).manifests[0].digest;
    // skopeo rewrites a classic config as an OCI one, so the image ID is its config's digest.
    const skopeoConfig = (JSON.parse(readFileSync(blobFile(layout, skopeoDigest), 'utf8')) as { config: { digest: string } }).config.digest;
    const out = join(dir, 'out.tar');
    ok(await wharf.run(['copy', '-q', `oci:${layout}:v1`, `docker-archive:${out}:team/busybox:v1`]));
    const files = await readTarFiles(out);
    assert.equal((JSON.parse(files.get('index.json')!.toString()) as Index).manifests[0].digest, skopeoDigest);
    assert.deepEqual((JSON.parse(files.get('manifest.json')!.toString()) as Array<{ RepoTags: string[] }>)[0].RepoTags, ['team/busybox:v1']);
    assert.equal(lines(ok(await wharf.run(['load', '-i', out])).stdout).at(-1), 'Loaded image: team/busybox:v1');
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}} {{json .RootFS.Layers}}', 'team/busybox:v1'])).stdout.trim(), `${skopeoConfig} ${JSON.stringify(image.diffIds)}`);
    // The store kept the manifest: saving the image again gives skopeo's digest.
    const saved = join(dir, 'saved.tar');
    ok(await wharf.run(['save', '-o', saved, 'team/busybox:v1']));
    assert.equal((JSON.parse((await readTarFiles(saved)).get('index.json')!.toString()) as Index).manifests[0].digest, skopeoDigest);
    // And back: the archive wharf wrote, read by skopeo, has the same digest.
    const back = join(dir, 'back');
    ok(await skopeo(['copy', `docker-archive:${out}`, `oci:${back}:x`]), 'skopeo copy back');
    ok(await wharf.run(['copy', '-q', `docker-archive:${out}`, `oci:${back}:y`]));
    const [fromSkopeo, fromWharf] = layoutIndex(back).manifests;
    assert.equal(fromWharf.digest, skopeoDigest);
    assert.ok(fromSkopeo.digest, 'skopeo read the archive');
  });

  it('gives a classic archive the manifest wharf load + save would, and copies it into and out of the store', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const { image, archive } = await busyboxArchive(dir, 'classic');
    const layout = join(dir, 'layout');
    ok(await wharf.run(['copy', '-q', `docker-archive:${archive}`, `oci:${layout}`]));
    const [entry] = layoutIndex(layout).manifests;
    assert.equal(entry.annotations, undefined, 'no tag, no ref name');
    ok(await wharf.run(['copy', '-q', `docker-archive:${archive}`, 'wharf:team/app:1']));
    // An archive of two images: one must be chosen, by tag or by position, as containers/image has it.
    const other = await busyboxFixture('other');
    const two = await writeArchive(join(dir, 'two.tar'), 'classic', [{ image, repoTags: ['busybox:latest'] }, { image: other, repoTags: ['team/other:2'] }]);
    failsWithOneLine(await wharf.run(['copy', '-q', `docker-archive:${two}`, `oci:${join(dir, 'two')}`]), /^Unexpected tar manifest\.json: expected 1 item, got 2$/);
    failsWithOneLine(await wharf.run(['copy', '-q', `docker-archive:${two}:team/nope:1`, `oci:${join(dir, 'two')}`]), /^Tag "docker\.io\/team\/nope:1" not found$/);
    ok(await wharf.run(['copy', '-q', `docker-archive:${two}:team/other:2`, `oci:${join(dir, 'two')}:by-tag`]));
    ok(await wharf.run(['copy', '-q', `docker-archive:${two}:@1`, `oci:${join(dir, 'two')}:by-position`]));
    const configs = layoutIndex(join(dir, 'two')).manifests.map((m) => (JSON.parse(readFileSync(blobFile(join(dir, 'two'), m.digest), 'utf8')) as { config: { digest: string } }).config.digest);
    assert.deepEqual(configs, [other.id, other.id]);
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', 'team/app:1'])).stdout.trim(), image.id);
    const saved = join(dir, 'saved.tar');
    ok(await wharf.run(['save', '-o', saved, 'team/app:1']));
    assert.equal((JSON.parse((await readTarFiles(saved)).get('index.json')!.toString()) as Index).manifests[0].digest, entry.digest);
    // Out of the store to a file: what save writes, uncompressed, so the same digest again.
    ok(await wharf.run(['copy', '-q', 'team/app:1', `oci:${layout}:from-store`]));
    assert.deepEqual(layoutIndex(layout).manifests.map((m) => m.digest), [entry.digest, entry.digest]);
  });

  it("copies a loaded image from the store to a registry, gzipping its layers as they go, to the digest push then gives", async (t) => {
    const registry = await startDistribution(t);
    if (!registry || !needPeers(t, 'skopeo')) return;
    const wharf = makeWharf(t);
    const { image, archive } = await busyboxArchive(tempDir(t), 'classic');
    ok(await wharf.run(['load', '-q', '-i', archive]));
    const remote = `${registry.host}/team/from-store:v1`;
    const output = lines(ok(await wharf.run(['copy', 'busybox:latest', `docker://${remote}`])).stdout);
    // skopeo's lines, each layer named as the store holds it (its diff ID) while its gzip is still being made
    for (const diffId of image.diffIds) assert.ok(output.includes(`Copying blob ${diffId}`), output.join('\n'));
    assert.equal(output.at(-1), 'Writing manifest to image destination');
    const config = JSON.parse(ok(await skopeo(['inspect', '--config', '--raw', '--tls-verify=false', `docker://${remote}`])).stdout);
    assert.deepEqual(config.rootfs.diff_ids, image.diffIds);
    const copied = JSON.parse(ok(await skopeo(['inspect', '--tls-verify=false', `docker://${remote}`])).stdout).Digest;
    ok(await wharf.run(['tag', 'busybox:latest', `${registry.host}/team/pushed:v1`]));
    const pushed = lines(ok(await wharf.run(['push', `${registry.host}/team/pushed:v1`])).stdout).at(-1);
    assert.match(pushed ?? '', new RegExp(`^v1: digest: ${copied} size: \\d+$`), 'push sends the gzip copy kept');
  });

  it('copies a multi-platform index whole with --all, or the host or --platform image without it', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const source = join(dir, 'multi');
    const index = await writeMultiPlatformLayout(source, [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }], 'multi');
    const all = join(dir, 'all');
    const output = lines(ok(await wharf.run(['copy', '--all', `oci:${source}:multi`, `oci:${all}:m`])).stdout);
    assert.equal(output[0], 'Copying 2 of 2 images in list');
    assert.equal(output.at(-1), 'Writing manifest list to image destination');
    assert.deepEqual(layoutIndex(all).manifests.map((m) => [m.digest, m.mediaType]), [[index.digest, 'application/vnd.oci.image.index.v1+json']]);
    assert.deepEqual(readFileSync(blobFile(all, index.digest)), index.bytes, 'index bytes kept');
    for (const { image } of index.entries) assert.ok(existsSync(blobFile(all, image.manifestDigest)) && image.layers.every((layer) => existsSync(blobFile(all, layer.digest))));

    const host = join(dir, 'host');
    ok(await wharf.run(['copy', '-q', `oci:${source}:multi`, `oci:${host}`]));
    const hostImage = index.entries.find((entry) => entry.platform.architecture === HOST_ARCH)!.image;
    assert.deepEqual(layoutIndex(host).manifests.map((m) => m.digest), [hostImage.manifestDigest]);
    ok(await wharf.run(['copy', '-q', '--platform', `linux/${OTHER_ARCH}`, `oci:${source}:multi`, `oci:${host}:other`]));
    const otherImage = index.entries.find((entry) => entry.platform.architecture === OTHER_ARCH)!.image;
    assert.equal(layoutIndex(host).manifests[1].digest, otherImage.manifestDigest);

    const none = join(dir, 'none');
    failsWithOneLine(await wharf.run(['copy', '-q', '--platform', 'linux/s390x', `oci:${source}:multi`, `oci:${none}`]), /^no matching manifest for linux\/s390x in the manifest list entries$/);
    assert.equal(existsSync(none), false, 'a failed copy leaves no new layout behind');
    failsWithOneLine(await wharf.run(['copy', '-q', '--all', `oci:${source}:multi`, `docker-archive:${join(dir, 'x.tar')}`]), /cannot hold an image index/);
    assert.equal(existsSync(join(dir, 'x.tar')), false);
  });

  it('pushes an index with --all to the distribution registry and copies it back, digests unchanged', async (t) => {
    if (!needPeers(t, 'skopeo')) return;
    const registry = await startDistribution(t);
    if (!registry) return;
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const source = join(dir, 'multi');
    const index = await writeMultiPlatformLayout(source, [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]);
    const remote = `docker://${registry.host}/team/multi:v1`;
    ok(await wharf.run(['copy', '-q', '--all', `oci:${source}`, remote]));
    const raw = ok(await skopeo(['inspect', '--raw', '--tls-verify=false', remote])).stdout;
    assert.equal(raw, index.bytes.toString());
    const back = join(dir, 'back');
    ok(await wharf.run(['copy', '-q', '--all', remote, `oci:${back}:v1`]));
    assert.equal(layoutIndex(back).manifests[0].digest, index.digest);
    ok(await wharf.run(['copy', '-q', remote, 'wharf:multi:host']));
    const hostImage = index.entries.find((entry) => entry.platform.architecture === HOST_ARCH)!.image;
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}} {{json .RepoDigests}}', 'multi:host'])).stdout.trim(), `${hostImage.id} ${JSON.stringify([`${registry.host}/team/multi@${index.digest}`])}`);
  });

  it('writes a docker archive of gzip layers that real docker load takes, as the host platform of an index', async (t) => {
    const docker = await startDockerd(t);
    if (!docker) return;
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const source = join(dir, 'multi');
    const index = await writeMultiPlatformLayout(source, [{ os: 'linux', architecture: OTHER_ARCH }, { os: 'linux', architecture: HOST_ARCH }], 'multi');
    const archive = join(dir, 'out.tar');
    ok(await wharf.run(['copy', '-q', `oci:${source}:multi`, `docker-archive:${archive}:team/multi:v1`]));
    assert.equal(ok(await docker.docker(['load', '-i', archive])).stdout.trim(), 'Loaded image: team/multi:v1');
    const hostImage = index.entries.find((entry) => entry.platform.architecture === HOST_ARCH)!.image;
    assert.equal(ok(await docker.docker(['image', 'inspect', '-f', '{{.Id}} {{.Architecture}}', 'team/multi:v1'])).stdout.trim(), `${hostImage.id} ${HOST_ARCH}`);
    // And what Docker itself saves, picked by its tag, copies back out with the same config.
    const saved = join(dir, 'saved.tar');
    ok(await docker.docker(['save', '-o', saved, 'team/multi:v1']));
    const layout = join(dir, 'from-docker');
    ok(await wharf.run(['copy', '-q', `docker-archive:${saved}:team/multi:v1`, `oci:${layout}:v1`]));
    const manifest = JSON.parse(readFileSync(blobFile(layout, layoutIndex(layout).manifests[0].digest), 'utf8')) as { config: { digest: string } };
    assert.equal(manifest.config.digest, hostImage.id);
  });

  it('keeps both tags when several copies write one layout at once', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const { image, archive } = await busyboxArchive(dir);
    const layout = join(dir, 'shared');
    const tags = ['a', 'b', 'c', 'd'];
    for (const result of await Promise.all(tags.map((tag) => wharf.run(['copy', '-q', `docker-archive:${archive}`, `oci:${layout}:${tag}`])))) ok(result);
    const entries = layoutIndex(layout).manifests;
    assert.deepEqual(entries.map((m) => m.annotations?.['org.opencontainers.image.ref.name']).sort(), tags);
    assert.ok(entries.every((m) => m.digest === image.manifestDigest));
    assert.deepEqual(readdirSync(layout).sort(), ['blobs', 'index.json', 'oci-layout'], 'no lock or temp file left');
  });

  it('refuses a missing blob, a blob whose bytes do not match, and a bad index.json, leaving the destination as it was', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const image = await busyboxFixture('busybox', { compression: 'gzip' });
    // Another image (sharing the busybox layer only), so a copy of `image` into it has blobs to write.
    const kept = await busyboxFixture('kept', { compression: 'gzip' });
    const destination = join(dir, 'dest');
    await writeLayout(destination, { images: [kept], tagged: [{ tag: 'keep', image: kept }] });
    const before = snapshot(destination);

    const missing = join(dir, 'missing');
    await writeLayout(missing, { images: [image], tagged: [{ tag: 'v1', image }] });
    rmSync(blobFile(missing, image.layers[0].digest));
    // A fresh destination that already holds the other blobs would skip them; a new one sees the gap.
    failsWithOneLine(await wharf.run(['copy', '-q', `oci:${missing}:v1`, `oci:${join(dir, 'new')}:v1`]), new RegExp(`^blob ${image.layers[0].digest} is missing from OCI layout`));
    assert.equal(existsSync(join(dir, 'new')), false);

    const forged = join(dir, 'forged');
    await writeLayout(forged, { images: [image], tagged: [{ tag: 'v1', image }] });
    const layer = readFileSync(blobFile(forged, image.layers[1].digest));
    layer[layer.length - 1] ^= 0xff;
    writeFileSync(blobFile(forged, image.layers[1].digest), layer);
    failsWithOneLine(await wharf.run(['copy', '-q', `oci:${forged}:v1`, `oci:${destination}:v2`]), /digest mismatch/);
    assert.deepEqual(snapshot(destination), before);
    failsWithOneLine(await wharf.run(['copy', '-q', `oci:${forged}:v1`, `docker-archive:${join(dir, 'forged.tar')}`]), /digest mismatch/);
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('forged.tar')), []);

    const badIndex = join(dir, 'bad-index');
    await writeLayout(badIndex, { images: [image], tagged: [{ tag: 'v1', image }] });
    writeFileSync(join(badIndex, 'index.json'), '{"schemaVersion": 2, "manifests": [');
    failsWithOneLine(await wharf.run(['copy', '-q', `oci:${badIndex}:v1`, `oci:${destination}:v3`]), /index\.json is not valid JSON/);
    // A destination whose index.json is bad is refused before any blob is written to it.
    const source = join(dir, 'good');
    await writeLayout(source, { images: [image], tagged: [{ tag: 'v1', image }] });
    const badBefore = snapshot(badIndex);
    failsWithOneLine(await wharf.run(['copy', '-q', `oci:${source}:v1`, `oci:${badIndex}:v2`]), /index\.json is not valid JSON/);
    assert.deepEqual(snapshot(badIndex), badBefore);
    assert.deepEqual(snapshot(destination), before);
  });

  it('leaves a valid layout, index.json untouched, when killed mid-blob; a retry then completes', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const image = await busyboxFixture('busybox', { compression: 'gzip' });
    const kept = await busyboxFixture('kept', { compression: 'gzip' });
    const destination = join(dir, 'dest');
    await writeLayout(destination, { images: [kept], tagged: [{ tag: 'keep', image: kept }] });
    const indexBefore = readFileSync(join(destination, 'index.json'));
    const source = join(dir, 'source');
    await writeLayout(source, { images: [image], tagged: [{ tag: 'v1', image }] });
    // The app layer (not in the destination) comes through a FIFO the test feeds: the copy is mid-blob while it waits.
    const layer = image.layers[1];
    const bytes = readFileSync(blobFile(source, layer.digest));
    rmSync(blobFile(source, layer.digest));
    execFileSync('mkfifo', [blobFile(source, layer.digest)]);
    // Opened read-write, the FIFO never blocks the test (a blocked open would pin a libuv thread and keep the runner alive).
    const feed = openSync(blobFile(source, layer.digest), 'r+');
    const half = bytes.subarray(0, bytes.length >> 1);
    writeSync(feed, half);
    const child = spawn(WHARF_BIN, ['copy', '-q', `oci:${source}:v1`, `oci:${destination}:v2`], { env: { ...process.env, WHARF_ROOT: wharf.root }, stdio: 'ignore' });
    const exited = once(child, 'exit');
    // The layer's temp file holding exactly the bytes fed so far: the copy is mid-blob (the config's temp file is bigger).
    const tempFiles = () => readdirSync(destination).filter((name) => /^\d+-[0-9a-f]+$/.test(name));
    // a temp file listed may be renamed into place before it is measured (the config's, which comes whole)
    while (!tempFiles().some((name) => statSync(join(destination, name), { throwIfNoEntry: false })?.size === half.length)) {
      assert.equal(child.exitCode ?? child.signalCode, null, 'the copy is still waiting for the layer');
      await sleep(20);
    }
    child.kill('SIGKILL');
    await exited;
    closeSync(feed);
    assert.deepEqual(readFileSync(join(destination, 'index.json')), indexBefore);
    ok(await wharf.run(['copy', '-q', `oci:${destination}:keep`, `oci:${join(dir, 'check')}:keep`]), 'the kept image still copies whole');
    rmSync(blobFile(source, layer.digest));
    writeFileSync(blobFile(source, layer.digest), bytes);
    ok(await wharf.run(['copy', '-q', `oci:${source}:v1`, `oci:${destination}:v2`]));
    assert.deepEqual(layoutIndex(destination).manifests.map((m) => m.digest), [kept.manifestDigest, image.manifestDigest]);
    assert.deepEqual(tempFiles(), [], "the next copy removed the dead writer's temp file");
  });

  it('refuses a truncated archive and an existing archive destination, and names unknown transports as skopeo does', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const { archive } = await busyboxArchive(dir);
    const truncated = join(dir, 'truncated.tar');
    writeFileSync(truncated, readFileSync(archive).subarray(0, 600_000));
    failsWithOneLine(await wharf.run(['copy', '-q', `docker-archive:${truncated}`, `oci:${join(dir, 'out')}`]), /truncated/);
    assert.equal(existsSync(join(dir, 'out')), false);
    truncateSync(truncated, 0);
    failsWithOneLine(await wharf.run(['copy', '-q', `docker-archive:${truncated}`, `oci:${join(dir, 'out')}`]), /no manifest\.json/);

    const existing = join(dir, 'existing.tar');
    writeFileSync(existing, 'not empty');
    failsWithOneLine(await wharf.run(['copy', '-q', `docker-archive:${archive}`, `docker-archive:${existing}`]), /^docker-archive doesn't support modifying existing images/);
    assert.equal(readFileSync(existing, 'utf8'), 'not empty');

    failsWithOneLine(await wharf.run(['copy', '-q', 'foo:/x', `oci:${dir}/o`]), /^Invalid source name foo:\/x: Invalid image name "foo:\/x", unknown transport "foo"$/);
    failsWithOneLine(await wharf.run(['copy', '-q', `oci:${dir}/o`, 'dir:/tmp/x']), /^Invalid destination name dir:\/tmp\/x: .*transport "dir" is not supported/);
    failsWithOneLine(await wharf.run(['copy', '-q', `oci:${dir}/o:bad/ta..g`, 'x']), /^Invalid source name .*: Invalid image bad\/ta\.\.g$/);
    assert.equal((await wharf.run(['copy', 'only-one'])).code, 125);
  });
});
