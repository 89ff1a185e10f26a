// A full disk mid-write: one line naming the file and the errno as Go words it, exit 1, and the store as it was.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { startDistribution } from '../helpers/peers.ts';
import { blobFiles, failsWithOneLine, ingestFiles, ok, storeState, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxFixture } from '../helpers/image-builder.ts';
import { fromBuffer } from '../helpers/byte-source.ts';
import { runCommand } from '../helpers/run-command.ts';
import { tarBuffer } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

/** A small tmpfs for a data root; undefined (the test skipped) where one cannot be mounted. */
async function smallDisk(t: TestContext, size: string): Promise<{ dir: string; disk: string } | undefined> {
  if (process.getuid?.() !== 0) return void t.skip('mounting a small tmpfs needs root');
  const dir = tempDir();
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  const mounted = await runCommand('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', disk]);
  if (mounted.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return void t.skip(`cannot mount a tmpfs here: ${mounted.stderr.trim()}`);
  }
  t.after(async () => {
    await runCommand('umount', [disk]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, disk };
}

/** A store on a small tmpfs and a busybox archive (tagged `tag`) beside it; undefined when the test was skipped. */
async function busyboxOnSmallDisk(t: TestContext, size: string, tag = 'busybox:latest') {
  const small = await smallDisk(t, size);
  if (!small) return undefined;
  const { dir, disk } = small;
  const archive = await writeArchive(join(dir, 'busybox.tar'), 'classic', [{ image: await busyboxFixture(), repoTags: [tag] }]);
  const root = join(disk, 'root');
  const wharf = makeWharf(t);
  const run = (args: string[]) => wharf.run(args, { env: { WHARF_ROOT: root } });
  return { disk, archive, root, wharf, run };
}

describe('wharf on a full disk', () => {
  it('a load that runs out of space fails with one line and leaves the store as it was', async (t) => {
    // smaller than busybox's 2 MB layer, big enough for the metadata DB
    const onDisk = await busyboxOnSmallDisk(t, '1500k');
    if (!onDisk) return;
    const { archive, root, wharf, run } = onDisk;
    ok(await run(['images']));
    const before = await storeState({ ...wharf, root, run });
    // whichever write meets the full disk first is named: the layer's temp file, or, on a loaded machine, the metadata
    // DB, whose lease row for the archive's config commits while the layer is still being written
    failsWithOneLine(await run(['load', '-i', archive]), /^Error response from daemon: write \S+\/(ingest\/\S+|metadata\.db): no space left on device$/);
    assert.deepEqual(await storeState({ ...wharf, root, run }), before);
    assert.deepEqual(ingestFiles(root), []);
    assert.deepEqual(blobFiles(root), []);
    // and the store still takes what fits
    const tiny = await tarBuffer([{ name: 'hello', type: 'file', body: fromBuffer(Buffer.from('hi\n')) }]);
    ok(await wharf.run(['import', '-', 'tiny:1'], { input: tiny, env: { WHARF_ROOT: root } }));
    assert.match(ok(await run(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /^tiny:1\n$/);
  });

  it('a push that runs out of space as it gzips a layer fails with one line, pushes no manifest, and leaves the store as it was', async (t) => {
    const registry = await startDistribution(t);
    if (!registry) return;
    const name = `${registry.host}/full/busybox:v1`;
    const onDisk = await busyboxOnSmallDisk(t, '8m', name);
    if (!onDisk) return;
    const { disk, archive, root, wharf, run } = onDisk;
    ok(await run(['load', '-i', archive]));
    // leaves 100 KiB: less than the layer's gzip, enough for the database's journal
    const { bavail, bsize } = statfsSync(disk);
    writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - (100 << 10))));
    const before = await storeState({ ...wharf, root, run });
    // progress on stdout, as Docker's push prints it; the error alone on stderr
    const pushed = await run(['push', name]);
    assert.equal(pushed.code, 1, pushed.stderr);
    // whichever write met the full disk first: the layer's gzip, or the database recording the lease on it
    assert.match(pushed.stderr, /^write \S+\/(ingest\/\S+|metadata\.db): no space left on device\n$/);
    // a gzip that did fit may be kept (a second push sends it): the images, and the store's consistency, are as they were
    const after = await storeState({ ...wharf, root, run });
    assert.deepEqual({ images: after.images, check: after.check, ingest: after.ingest }, { images: before.images, check: before.check, ingest: [] });
    const manifest = await fetch(`${registry.url}/v2/full/busybox/manifests/v1`, { method: 'HEAD' });
    assert.equal(manifest.status, 404, 'no manifest reached the registry');
  });

  it('a store on a disk already full fails every command with one line naming the WAL\'s shared-memory file, and works once there is room', async (t) => {
    const onDisk = await busyboxOnSmallDisk(t, '4m');
    if (!onDisk) return;
    const { disk, archive, run } = onDisk;
    ok(await run(['images']));
    // the last connection's close removed the shared-memory file, which the next one must make again
    const filler = join(disk, 'filler');
    writeFileSync(filler, Buffer.alloc(statfsSync(disk).bavail * statfsSync(disk).bsize));
    assert.equal(statfsSync(disk).bavail, 0);
    const shm = /^Error response from daemon: write \S+\/metadata\.db-shm: no space left on device$/;
    failsWithOneLine(await run(['images']), shm);
    failsWithOneLine(await run(['load', '-i', archive]), shm);
    rmSync(filler);
    ok(await run(['load', '-i', archive]));
    assert.match(ok(await run(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /^busybox:latest\n$/);
  });
});
