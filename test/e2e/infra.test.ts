// Validates the test fixtures against real peers: dockerd loads our archives with our IDs, skopeo reads our layouts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type BuiltImage,
  busyboxFixture,
  writeClassicArchive,
  writeOciArchive,
  writeOciLayout,
  writeOciLayoutArchive,
} from '../helpers/image-builder.ts';
import { buildBigImage } from '../helpers/big-image.ts';
import { writeHostileArchive } from '../helpers/hostile-archives.ts';
import { needPeers, skopeo, startDockerd } from '../helpers/peers.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const TAG = 'wharf-fixture/busybox:latest';

async function writeAllFormats(dir: string, image: BuiltImage) {
  const images = [{ image, repoTags: [TAG] }];
  const paths = {
    classic: join(dir, 'classic.tar'),
    ociArchive: join(dir, 'oci-archive.tar'),
    layout: join(dir, 'layout'),
    layoutTar: join(dir, 'layout.tar'),
  };
  const written = [
    await writeClassicArchive(paths.classic, images),
    await writeOciArchive(paths.ociArchive, images),
    await writeOciLayout(paths.layout, images),
    await writeOciLayoutArchive(paths.layoutTar, images),
  ];
  for (const [info] of written) {
    assert.deepEqual(info, { id: image.id, diffIds: image.diffIds, manifestDigest: image.manifestDigest, repoTags: [TAG] });
  }
  return paths;
}

test('the busybox fixture is reproducible byte for byte', async () => {
  const [a, b] = [await busyboxFixture(), await busyboxFixture()];
  assert.equal(a.id, b.id);
  assert.equal(a.manifestDigest, b.manifestDigest);
  assert.deepEqual(a.diffIds, b.diffIds);
  assert.match(a.id, /^sha256:[a-f0-9]{64}$/);
  assert.equal(JSON.parse(a.config.toString()).rootfs.diff_ids.length, 2);
});

test('dockerd agrees with our fixtures', async (t) => {
  const dockerd = await startDockerd(t);
  if (!dockerd) return;
  const dir = tempDir(t);

  await t.test('it loads the classic and OCI archives with the image ID we computed', async () => {
    const image = await busyboxFixture(TAG);
    const paths = await writeAllFormats(dir, image);
    for (const archive of [paths.classic, paths.ociArchive]) {
      const load = await dockerd.docker(['load', '-i', archive]);
      assert.equal(load.code, 0, load.stderr);
      assert.match(load.stdout, new RegExp(`Loaded image: ${TAG}`));
      const inspect = await dockerd.docker(['image', 'inspect', '--format', '{{.Id}} {{json .RootFS.Layers}}', TAG]);
      assert.equal(inspect.code, 0, inspect.stderr);
      assert.equal(inspect.stdout.trim(), `${image.id} ${JSON.stringify(image.diffIds)}`);
      assert.equal((await dockerd.docker(['rmi', TAG])).code, 0);
    }
  });

  await t.test('it rejects the broken archives', async () => {
    for (const format of ['classic', 'oci'] as const) {
      for (const kind of ['digest-mismatch', 'missing-layer', 'truncated'] as const) {
        const archive = join(dir, `${kind}-${format}.tar`);
        await writeHostileArchive(archive, kind, { format });
        const load = await dockerd.docker(['load', '-i', archive]);
        assert.notEqual(load.code, 0, `${format} ${kind} loaded: ${load.stdout}`);
      }
    }
  });
});

test('skopeo reads the OCI archive, the OCI layout and its tarball', async (t) => {
  if (!needPeers(t, 'skopeo')) return;
  const image = await busyboxFixture(TAG);
  const paths = await writeAllFormats(tempDir(t), image);

  const fromArchive = await skopeo(['inspect', '--config', `docker-archive:${paths.ociArchive}`]);
  assert.equal(fromArchive.code, 0, fromArchive.stderr);
  assert.deepEqual(JSON.parse(fromArchive.stdout).rootfs.diff_ids, image.diffIds);

  for (const ref of [`oci:${paths.layout}:latest`, `oci-archive:${paths.layoutTar}:latest`]) {
    await assertSkopeoReads(ref, image);
  }
});

test('big images are reproducible and skopeo reads their gzip layers', async (t) => {
  if (!needPeers(t, 'skopeo')) return;
  const dir = tempDir(t);
  const options = { totalBytes: 3 << 20, layers: 2, fileBytes: 1 << 20, compression: 'gzip' as const };
  const [a, b] = [await buildBigImage({ ...options, dir: join(dir, 'a') }), await buildBigImage({ ...options, dir: join(dir, 'b') })];
  assert.equal(a.manifestDigest, b.manifestDigest);
  assert.notEqual(a.diffIds[0], a.diffIds[1]);
  await writeOciLayout(join(dir, 'layout'), [{ image: a, repoTags: ['big:latest'] }]);
  await assertSkopeoReads(`oci:${join(dir, 'layout')}:latest`, a);
  const copy = await skopeo(['copy', '-q', `oci:${join(dir, 'layout')}:latest`, `dir:${join(dir, 'copy')}`]);
  assert.equal(copy.code, 0, copy.stderr);
});

async function assertSkopeoReads(ref: string, image: BuiltImage): Promise<void> {
  const raw = await skopeo(['inspect', '--raw', ref]);
  assert.equal(raw.code, 0, raw.stderr);
  assert.equal(raw.stdout, image.manifest.toString(), ref);
  const config = await skopeo(['inspect', '--config', '--raw', ref]);
  assert.equal(config.stdout, image.config.toString(), ref);
}
