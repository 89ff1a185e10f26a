// `wharf save`: the Docker 25+ layout it writes, -o and stdout, determinism, and save → load round trips.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import {
  failsWithOneLine,
  hex,
  lines,
  load,
  ok,
  readTarFiles,
  runToFile,
  sha256Hex,
  writeArchive,
} from '../helpers/cli-fixtures.ts';
import { type BuiltImage, busyboxFixture } from '../helpers/image-builder.ts';
import { fromBuffer } from '../helpers/byte-source.ts';
import { writeTarFile } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

interface DockerManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

async function withBusybox(t: TestContext, options: { format?: 'classic' | 'oci'; compression?: 'gzip' } = {}) {
  const wharf = makeWharf(t);
  const dir = tempDir(t);
  const image = await busyboxFixture('busybox', options.compression ? { compression: options.compression } : {});
  await load(wharf, await writeArchive(join(dir, 'in.tar'), options.format ?? 'classic', [{ image, repoTags: ['busybox:latest'] }]));
  return { wharf, dir, image };
}

async function idAndLayers(wharf: Wharf, name: string): Promise<string> {
  return ok(await wharf.run(['inspect', '-f', '{{.Id}} {{json .RootFS.Layers}}', name])).stdout.trim();
}

describe('wharf save', () => {
  it('writes a Docker 25+ archive: OCI layout, manifest.json, every blob named by its digest', async (t) => {
    const { wharf, dir, image } = await withBusybox(t);
    const out = join(dir, 'out.tar');
    const result = ok(await wharf.run(['save', '-o', out, 'busybox']));
    assert.equal(result.stdout + result.stderr, '');
    const files = await readTarFiles(out);
    for (const [name, bytes] of files) {
      if (name.startsWith('blobs/')) assert.equal(name, `blobs/sha256/${sha256Hex(bytes)}`, `${name} matches its content`);
    }
    assert.deepEqual(JSON.parse(files.get('oci-layout')!.toString()), { imageLayoutVersion: '1.0.0' });
    const [entry, ...more] = JSON.parse(files.get('manifest.json')!.toString()) as DockerManifestEntry[];
    assert.equal(more.length, 0);
    assert.equal(entry.Config, `blobs/sha256/${hex(image.id)}`);
    assert.deepEqual(entry.RepoTags, ['busybox:latest']);
    assert.equal(files.get(entry.Config)!.toString(), image.config.toString(), 'config bytes kept exactly');
    const index = JSON.parse(files.get('index.json')!.toString()) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
    assert.equal(index.manifests.length, 1);
    assert.deepEqual(index.manifests[0].annotations, {
      'io.containerd.image.name': 'docker.io/library/busybox:latest',
      'org.opencontainers.image.ref.name': 'latest',
    });
    const manifest = JSON.parse(files.get(`blobs/sha256/${hex(index.manifests[0].digest)}`)!.toString()) as {
      config: { digest: string };
      layers: Array<{ digest: string }>;
    };
    assert.equal(manifest.config.digest, image.id);
    assert.deepEqual(manifest.layers.map((layer) => `blobs/sha256/${hex(layer.digest)}`), entry.Layers);
    // a classic archive holds plain tars, so the layer blobs are the diff IDs themselves
    assert.deepEqual(manifest.layers.map((layer) => layer.digest), image.diffIds);
  });

  it('writes the same bytes to stdout as to -o, and the same bytes every time', async (t) => {
    const { wharf, dir } = await withBusybox(t);
    const [a, b, c] = [join(dir, 'a.tar'), join(dir, 'b.tar'), join(dir, 'c.tar')];
    ok(await wharf.run(['save', '-o', a, 'busybox']));
    ok(await wharf.run(['image', 'save', '--output', b, 'busybox:latest']));
    ok(await runToFile(wharf, ['save', 'busybox'], c));
    const bytes = readFileSync(a);
    assert.ok(bytes.length > 1_000_000);
    assert.ok(bytes.equals(readFileSync(b)), 'two saves give the same bytes');
    assert.ok(bytes.equals(readFileSync(c)), 'stdout gives the same bytes as -o');
  });

  it('round-trips through load: same image ID, tags and layers', async (t) => {
    const { wharf, dir, image } = await withBusybox(t);
    ok(await wharf.run(['tag', 'busybox', 'registry.example:5000/team/busybox:v1']));
    const out = join(dir, 'out.tar');
    ok(await wharf.run(['save', '-o', out, 'busybox', 'registry.example:5000/team/busybox:v1']));
    const fresh = makeWharf(t);
    assert.deepEqual(lines(await load(fresh, out)).sort(), ['Loaded image: busybox:latest', 'Loaded image: registry.example:5000/team/busybox:v1']);
    assert.equal(await idAndLayers(fresh, 'busybox:latest'), `${image.id} ${JSON.stringify(image.diffIds)}`);
    const tags = ok(await fresh.run(['inspect', '-f', '{{json .RepoTags}}', image.id])).stdout.trim();
    assert.equal(tags, '["busybox:latest","registry.example:5000/team/busybox:v1"]');
  });

  it('keeps the manifest and compressed layers an image was loaded with', async (t) => {
    const { wharf, dir, image } = await withBusybox(t, { format: 'oci', compression: 'gzip' });
    const out = join(dir, 'out.tar');
    ok(await wharf.run(['save', '-o', out, 'busybox']));
    const files = await readTarFiles(out);
    const index = JSON.parse(files.get('index.json')!.toString()) as { manifests: Array<{ digest: string }> };
    assert.equal(index.manifests[0].digest, image.manifestDigest);
    assert.ok(files.get(`blobs/sha256/${hex(image.manifestDigest)}`)!.equals(image.manifest), 'manifest bytes kept exactly');
    for (const layer of image.layers) assert.ok(files.has(`blobs/sha256/${hex(layer.digest)}`), `gzip layer ${layer.digest} saved as is`);
    const fresh = makeWharf(t);
    await load(fresh, out);
    assert.equal(await idAndLayers(fresh, 'busybox'), `${image.id} ${JSON.stringify(image.diffIds)}`);
  });

  it('saves every tag of a repository named without a tag', async (t) => {
    const { wharf, dir, image } = await withBusybox(t);
    ok(await wharf.run(['tag', 'busybox', 'busybox:v2']));
    ok(await wharf.run(['tag', 'busybox', 'unrelated:1']));
    const out = join(dir, 'out.tar');
    ok(await wharf.run(['save', '-o', out, 'busybox']));
    const entries = JSON.parse((await readTarFiles(out)).get('manifest.json')!.toString()) as DockerManifestEntry[];
    assert.deepEqual(entries.map((entry) => entry.RepoTags), [['busybox:latest', 'busybox:v2']]);
    const fresh = makeWharf(t);
    assert.deepEqual(lines(await load(fresh, out)), ['Loaded image: busybox:latest', 'Loaded image: busybox:v2']);
    assert.equal(ok(await fresh.run(['images', '-q', '--no-trunc'])).stdout, `${image.id}\n${image.id}\n`);
  });

  it('saves several images in one archive, with each shared layer once', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const [a, b] = [await busyboxFixture('a'), await busyboxFixture('b')];
    await load(wharf, await writeArchive(join(dir, 'in.tar'), 'oci', [{ image: a, repoTags: ['a:1'] }, { image: b, repoTags: ['b:1'] }]));
    const out = join(dir, 'out.tar');
    ok(await wharf.run(['save', '-o', out, 'a:1', 'b:1']));
    const files = await readTarFiles(out); // fails on a name found twice
    const entries = JSON.parse(files.get('manifest.json')!.toString()) as DockerManifestEntry[];
    assert.deepEqual(entries.map((entry) => entry.RepoTags), [['a:1'], ['b:1']]);
    assert.equal(a.diffIds[0], b.diffIds[0]);
    const fresh = makeWharf(t);
    await load(fresh, out);
    for (const [name, image] of [['a:1', a], ['b:1', b]] as Array<[string, BuiltImage]>) {
      assert.equal(await idAndLayers(fresh, name), `${image.id} ${JSON.stringify(image.diffIds)}`);
    }
  });

  it('saves an image named by ID without tags; loading it prints its ID', async (t) => {
    const { wharf, dir, image } = await withBusybox(t);
    const out = join(dir, 'out.tar');
    ok(await wharf.run(['save', '-o', out, image.id.slice(7, 19)]));
    const entries = JSON.parse((await readTarFiles(out)).get('manifest.json')!.toString()) as DockerManifestEntry[];
    assert.equal(entries[0].RepoTags, null);
    assert.equal(await load(makeWharf(t), out), `Loaded image ID: ${image.id}\n`);
  });

  it('saves an imported image (which came without a manifest) deterministically', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const rootfs = join(dir, 'rootfs.tar');
    await writeTarFile(rootfs, [{ name: 'hello', type: 'file', body: fromBuffer(Buffer.from('hi\n')) }]);
    const id = ok(await wharf.run(['import', rootfs, 'imported:1'])).stdout.trim();
    const [a, b] = [join(dir, 'a.tar'), join(dir, 'b.tar')];
    ok(await wharf.run(['save', '-o', a, 'imported:1']));
    ok(await wharf.run(['save', '-o', b, 'imported:1']));
    assert.ok(readFileSync(a).equals(readFileSync(b)));
    const fresh = makeWharf(t);
    assert.equal(await load(fresh, a), 'Loaded image: imported:1\n');
    assert.equal(ok(await fresh.run(['inspect', '-f', '{{.Id}}', 'imported:1'])).stdout.trim(), id);
  });

  it('fails on a missing image without leaving the output file or a temp file behind', async (t) => {
    const { wharf, dir } = await withBusybox(t);
    const out = join(dir, 'out.tar');
    const before = readdirSync(dir).sort();
    failsWithOneLine(await wharf.run(['save', '-o', out, 'busybox', 'nope']), /No such image: nope/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir).sort(), before);
  });

  it("ends at once, quietly, with status 141 (as SIGPIPE ends Docker's CLI) when the reader goes mid-archive; the image stays", async (t) => {
    const { wharf } = await withBusybox(t);
    const before = await idAndLayers(wharf, 'busybox');
    const gone = await wharf.runToGoneReader(['save', 'busybox']);
    assert.deepEqual(gone, { code: 141, signal: null, stderr: '' });
    assert.equal(await idAndLayers(wharf, 'busybox'), before);
    ok(await wharf.run(['system', 'check']));
  });

  it('wants at least one image (exit 125)', async (t) => {
    const wharf = makeWharf(t);
    const result = await wharf.run(['save', '-o', join(tempDir(t), 'x.tar')]);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /"wharf save" requires at least 1 argument/);
  });
});
