// Several wharf processes on one store: loads sharing layers, a prune or rmi racing a load, and kill -9 mid-load.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { buildBigImage } from '../helpers/big-image.ts';
import {
  blobFiles,
  hex,
  ingestFiles,
  lines,
  load,
  ok,
  runToFile,
  WHARF_BIN,
  writeArchive,
} from '../helpers/cli-fixtures.ts';
import { assembleImage, type BuiltImage, buildLayer } from '../helpers/image-builder.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

/** Two images sharing a big bottom layer (so loads overlap for a while), each with a small layer of its own. */
async function sharingImages(t: TestContext, sharedBytes: number): Promise<{ dir: string; a: BuiltImage; b: BuiltImage }> {
  const dir = tempDir(t);
  const big = await buildBigImage({ totalBytes: sharedBytes, layers: 1, fileBytes: 4 << 20, dir: join(dir, 'layers') });
  const own = async (name: string) => buildLayer([{ path: name, type: 'file', content: `${name}\n` }], 'none');
  const a = assembleImage([big.layers[0], await own('a')], { created: '2024-01-01T00:00:00Z' });
  const b = assembleImage([big.layers[0], await own('b')], { created: '2024-01-02T00:00:00Z' });
  return { dir, a, b };
}

function expectedBlobs(format: 'classic' | 'oci', images: BuiltImage[]): string[] {
  const blobs = new Set<string>();
  for (const image of images) {
    for (const layer of image.layers) blobs.add(hex(format === 'classic' ? layer.diffId : layer.digest));
    blobs.add(hex(image.id));
    if (format === 'oci') blobs.add(hex(image.manifestDigest));
  }
  return [...blobs].sort();
}

async function assertConsistent(wharf: Wharf): Promise<void> {
  const check = await wharf.run(['system', 'check']);
  assert.equal(`${check.code} ${check.stdout}`, '0 store is consistent\n', check.stderr);
  assert.deepEqual(ingestFiles(wharf.root), []);
}

/** Saving reads every blob of the image: it fails if any is gone. */
async function assertWhole(wharf: Wharf, name: string, image: BuiltImage, t: TestContext): Promise<void> {
  assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', name])).stdout.trim(), image.id);
  const out = join(tempDir(t), 'whole.tar');
  ok(await runToFile(wharf, ['save', name], out), `save ${name}`);
  const copy = makeWharf(t);
  assert.equal(await load(copy, out), `Loaded image: ${name}\n`);
}

describe('wharf with several processes on one store', () => {
  it('two loads of images sharing a layer, at once: both images, one blob per layer, nothing left over', async (t) => {
    const { dir, a, b } = await sharingImages(t, 32 << 20);
    for (const format of ['classic', 'oci', 'classic', 'oci'] as const) {
      const wharf = makeWharf(t);
      const archiveA = await writeArchive(join(dir, `a-${format}.tar`), format, [{ image: a, repoTags: ['a:1'] }]);
      const archiveB = await writeArchive(join(dir, `b-${format}.tar`), format, [{ image: b, repoTags: ['b:1'] }]);
      const [loadA, loadB] = await Promise.all([wharf.run(['load', '-i', archiveA]), wharf.run(['load', '-i', archiveB])]);
      assert.equal(ok(loadA).stdout, 'Loaded image: a:1\n');
      assert.equal(ok(loadB).stdout, 'Loaded image: b:1\n');
      const listed = ok(await wharf.run(['images', '--no-trunc', '--format', '{{.Repository}} {{.ID}}'])).stdout;
      assert.equal(listed, `b ${b.id}\na ${a.id}\n`);
      assert.deepEqual(blobFiles(wharf.root), expectedBlobs(format, [a, b]));
      await assertConsistent(wharf);
    }
  });

  it('the same archive loaded by two processes at once gives one image', async (t) => {
    const { dir, a } = await sharingImages(t, 16 << 20);
    const wharf = makeWharf(t);
    const archive = await writeArchive(join(dir, 'a.tar'), 'oci', [{ image: a, repoTags: ['a:1'] }]);
    const results = await Promise.all([1, 2, 3].map(() => wharf.run(['load', '-i', archive])));
    for (const result of results) assert.equal(ok(result).stdout, 'Loaded image: a:1\n');
    assert.equal(ok(await wharf.run(['images', '-q', '--no-trunc'])).stdout, `${a.id}\n`);
    assert.deepEqual(blobFiles(wharf.root), expectedBlobs('oci', [a]));
    await assertConsistent(wharf);
  });

  it('`image prune -a -f` racing a load does not break the load', async (t) => {
    const { dir, a } = await sharingImages(t, 64 << 20);
    const archive = await writeArchive(join(dir, 'a.tar'), 'classic', [{ image: a, repoTags: ['a:1'] }]);
    for (let round = 0; round < 2; round++) {
      const wharf = makeWharf(t);
      let loading = true;
      const loaded = wharf.run(['load', '-i', archive]).finally(() => (loading = false));
      let prunes = 0;
      while (loading) {
        ok(await wharf.run(['image', 'prune', '-a', '-f']), 'prune');
        prunes++;
      }
      assert.equal(ok(await loaded, 'load').stdout, 'Loaded image: a:1\n');
      assert.ok(prunes > 0);
      t.diagnostic(`round ${round}: ${prunes} prunes ran during the load`);
      await assertConsistent(wharf);
      // the last prune may have come after the load finished; whatever is listed must be whole
      if (ok(await wharf.run(['images', '-q'])).stdout !== '') await assertWhole(wharf, 'a:1', a, t);
      else assert.deepEqual(blobFiles(wharf.root), []);
    }
  });

  it('removing an image while another that shares its layer loads leaves the loaded one whole', async (t) => {
    const { dir, a, b } = await sharingImages(t, 32 << 20);
    const archiveA = await writeArchive(join(dir, 'a.tar'), 'classic', [{ image: a, repoTags: ['a:1'] }]);
    const archiveB = await writeArchive(join(dir, 'b.tar'), 'classic', [{ image: b, repoTags: ['b:1'] }]);
    for (let round = 0; round < 3; round++) {
      const wharf = makeWharf(t);
      await load(wharf, archiveA);
      const [loadB, rmiA] = await Promise.all([
        wharf.run(['load', '-i', archiveB]),
        sleep(round * 150).then(() => wharf.run(['rmi', 'a:1'])),
      ]);
      assert.equal(ok(loadB, 'load b').stdout, 'Loaded image: b:1\n');
      assert.match(ok(rmiA, 'rmi a').stdout, /^Untagged: a:1\n/);
      assert.equal(ok(await wharf.run(['images', '-a', '-q', '--no-trunc'])).stdout, `${b.id}\n`);
      assert.deepEqual(blobFiles(wharf.root), expectedBlobs('classic', [b]));
      await assertConsistent(wharf);
      await assertWhole(wharf, 'b:1', b, t);
    }
  });

  it('kill -9 during a load leaves no half-recorded image, and the next commands work', async (t) => {
    const dir = tempDir(t);
    const big = await buildBigImage({ totalBytes: 256 << 20, layers: 4, fileBytes: 8 << 20, dir: join(dir, 'layers') });
    const archive = await writeArchive(join(dir, 'big.tar'), 'classic', [{ image: big, repoTags: ['big:1'] }]);
    const wharf = makeWharf(t);
    const child = spawn(WHARF_BIN, ['load', '-i', archive], { env: { ...process.env, WHARF_ROOT: wharf.root }, stdio: 'ignore' });
    const exited = once(child, 'exit');
    // wait until the load is well under way: a first layer committed, the next ones still coming
    const blobs = join(wharf.root, 'blobs', 'sha256');
    for (let i = 0; i < 1000 && child.exitCode === null; i++) {
      if (existsSync(blobs) && readdirSync(blobs).length > 0) break;
      await sleep(5);
    }
    child.kill('SIGKILL');
    const [code, signal] = (await exited) as [number | null, string | null];
    t.diagnostic(`load ended by ${signal ?? `exit ${code}`} with ${blobFiles(wharf.root).length} blobs and ${ingestFiles(wharf.root).length} ingest files`);
    const listed = ok(await wharf.run(['images', '-a', '--no-trunc', '-q']), 'images after the kill').stdout;
    if (signal === 'SIGKILL') {
      assert.equal(listed, '', 'no half-recorded image');
    } else {
      assert.equal(code, 0, 'the load finished before the kill landed');
      assert.equal(listed, `${big.id}\n`);
    }
    ok(await wharf.run(['system', 'check', '--repair']), 'repair');
    await assertConsistent(wharf);
    if (signal === 'SIGKILL') assert.deepEqual(blobFiles(wharf.root), [], 'the repair took what the dead load left');
    assert.equal(await load(wharf, archive), 'Loaded image: big:1\n');
    assert.deepEqual(lines(ok(await wharf.run(['images', '-q', '--no-trunc'])).stdout), [big.id]);
    assert.deepEqual(blobFiles(wharf.root), expectedBlobs('classic', [big]));
    await assertConsistent(wharf);
  });
});
