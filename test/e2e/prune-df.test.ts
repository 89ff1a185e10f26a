// `wharf image prune`, `wharf system df` and `wharf system check [--repair]` as a user meets them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import {
  blobFiles,
  busyboxFixtureSize,
  busyboxLayerSize,
  chainIdsOf,
  dockerTable,
  goHumanSize,
  goTimeAgo,
  hex,
  ingestFiles,
  lines,
  load,
  ok,
  runToFile,
  sha256Hex,
  UTC,
  writeArchive,
} from '../helpers/cli-fixtures.ts';
import { type BuiltImage, busyboxFixture } from '../helpers/image-builder.ts';
import { fromBuffer } from '../helpers/byte-source.ts';
import { writeTarFile } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const BASE_SIZE = busyboxLayerSize();

/** busybox:latest was loaded, then another image took its tag: the first is now dangling. */
async function withDangling(t: TestContext): Promise<{ wharf: Wharf; old: BuiltImage; current: BuiltImage }> {
  const wharf = makeWharf(t);
  const dir = tempDir(t);
  const [old, current] = [await busyboxFixture('busybox:latest'), await busyboxFixture('other:1')];
  await load(wharf, await writeArchive(join(dir, 'old.tar'), 'classic', [{ image: old, repoTags: ['busybox:latest'] }]));
  await load(wharf, await writeArchive(join(dir, 'new.tar'), 'classic', [{ image: current, repoTags: ['busybox:latest'] }]));
  return { wharf, old, current };
}

/** Two tagged images sharing the busybox layer; other:1 is the newer. */
async function withTwo(t: TestContext): Promise<{ wharf: Wharf; busybox: BuiltImage; other: BuiltImage }> {
  const wharf = makeWharf(t);
  const busybox = await busyboxFixture('busybox:latest');
  const other = await busyboxFixture('other:1', { created: '2025-01-01T00:00:00Z', labels: { tier: 'app' } });
  await load(wharf, await writeArchive(join(tempDir(t), 'two.tar'), 'classic', [
    { image: busybox, repoTags: ['busybox:latest'] },
    { image: other, repoTags: ['other:1'] },
  ]));
  return { wharf, busybox, other };
}

async function ids(wharf: Wharf): Promise<string[]> {
  return lines(ok(await wharf.run(['images', '-a', '-q', '--no-trunc'])).stdout).sort();
}

describe('wharf image prune', () => {
  it("removes dangling images with Docker's report and reclaimed total", async (t) => {
    const { wharf, old, current } = await withDangling(t);
    const result = ok(await wharf.run(['image', 'prune', '-f']));
    assert.equal(result.stdout, `Deleted Images:\ndeleted: ${old.id}\ndeleted: ${chainIdsOf(old.diffIds)[1]}\n\nTotal reclaimed space: 81B\n`);
    assert.deepEqual(await ids(wharf), [current.id]);
    assert.deepEqual(blobFiles(wharf.root), [...current.diffIds.map(hex), hex(current.id)].sort(), 'the pruned blobs are gone');
  });

  it('reclaims nothing when nothing is dangling', async (t) => {
    const { wharf } = await withTwo(t);
    assert.equal(ok(await wharf.run(['image', 'prune', '-f'])).stdout, 'Total reclaimed space: 0B\n');
    assert.equal((await ids(wharf)).length, 2);
  });

  it('removes every unused image with -a, untagging first, and empties the store', async (t) => {
    const { wharf, old, current } = await withDangling(t);
    ok(await wharf.run(['image', 'prune', '-f']));
    const chains = chainIdsOf(current.diffIds);
    const result = ok(await wharf.run(['image', 'prune', '-a', '-f']));
    const total = goHumanSize(busyboxFixtureSize('other:1'), 4);
    assert.equal(
      result.stdout,
      `Deleted Images:\nuntagged: busybox:latest\ndeleted: ${current.id}\ndeleted: ${chains[1]}\ndeleted: ${chains[0]}\n\nTotal reclaimed space: ${total}\n`,
    );
    assert.notEqual(old.id, current.id);
    assert.deepEqual(await ids(wharf), []);
    assert.deepEqual(blobFiles(wharf.root), []);
    assert.deepEqual(ingestFiles(wharf.root), []);
  });

  it('with -a and two images sharing a layer, deletes the shared chain exactly once, with the last of them', async (t) => {
    const { wharf, busybox, other } = await withTwo(t);
    const result = lines(ok(await wharf.run(['image', 'prune', '-a', '-f'])).stdout);
    const [base] = chainIdsOf(busybox.diffIds);
    assert.equal(result.filter((line) => line === `deleted: ${base}`).length, 1);
    for (const image of [busybox, other]) assert.ok(result.includes(`deleted: ${image.id}`));
    assert.equal(result.indexOf(`deleted: ${base}`) > Math.max(result.indexOf(`deleted: ${busybox.id}`), result.indexOf(`deleted: ${other.id}`)), true);
    assert.equal(result.at(-1), `Total reclaimed space: ${goHumanSize(busyboxFixtureSize('busybox:latest') + busyboxFixtureSize('other:1') - BASE_SIZE, 4)}`);
  });

  it("asks Docker's question without -f, and does nothing unless the answer is yes", async (t) => {
    const { wharf, old } = await withDangling(t);
    const no = ok(await wharf.run(['image', 'prune'], { input: 'n\n' }));
    assert.equal(no.stdout, 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
    const silent = ok(await wharf.run(['image', 'prune'], { input: '' }));
    assert.equal(silent.stdout, no.stdout);
    assert.ok((await ids(wharf)).includes(old.id));
    const all = ok(await wharf.run(['image', 'prune', '-a'], { input: 'no\n' }));
    assert.equal(all.stdout, 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] ');
    const yes = ok(await wharf.run(['image', 'prune'], { input: 'y\n' }));
    assert.match(yes.stdout, new RegExp(`\\[y/N\\] Deleted Images:\\ndeleted: ${old.id}\\n`));
    assert.ok(!(await ids(wharf)).includes(old.id));
  });

  it('filters by label and until', async (t) => {
    const { wharf, busybox, other } = await withTwo(t);
    assert.equal(ok(await wharf.run(['image', 'prune', '-a', '-f', '--filter', 'label=nope'])).stdout, 'Total reclaimed space: 0B\n');
    // busybox was created in 2023, other in 2025: only busybox is older than 2024
    assert.match(ok(await wharf.run(['image', 'prune', '-a', '-f', '--filter', 'until=2024-01-01T00:00:00Z'])).stdout, /^Deleted Images:\nuntagged: busybox:latest\n/);
    assert.deepEqual(await ids(wharf), [other.id]);
    assert.equal(ok(await wharf.run(['image', 'prune', '-a', '-f', '--filter', 'label!=tier=app'])).stdout, 'Total reclaimed space: 0B\n');
    assert.match(ok(await wharf.run(['image', 'prune', '-a', '-f', '--filter', 'label=tier=app'])).stdout, /untagged: other:1/);
    assert.deepEqual(await ids(wharf), []);
    assert.notEqual(busybox.id, other.id);
  });

  it('keeps images newer than an until= duration', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const rootfs = join(dir, 'rootfs.tar');
    await writeTarFile(rootfs, [{ name: 'f', type: 'file', body: fromBuffer(Buffer.from('x')) }]);
    const id = ok(await wharf.run(['import', rootfs])).stdout.trim();
    assert.equal(ok(await wharf.run(['image', 'prune', '-f', '--filter', 'until=1h'])).stdout, 'Total reclaimed space: 0B\n');
    assert.deepEqual(await ids(wharf), [id]);
  });

  it("rejects bad filters with Docker's texts", async (t) => {
    const { wharf } = await withTwo(t);
    const until = await wharf.run(['image', 'prune', '-f', '--filter', 'until=xyz']);
    assert.equal(until.code, 1);
    assert.equal(until.stderr, 'Error response from daemon: failed to parse value as time or duration: "xyz"\n');
    const unknown = await wharf.run(['image', 'prune', '-f', '--filter', 'foo=bar']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, "Error response from daemon: Invalid filter 'foo'\n");
    assert.equal((await ids(wharf)).length, 2);
  });
});

describe('wharf system df', () => {
  it("prints Docker's summary, counting a shared layer once", async (t) => {
    const { wharf } = await withTwo(t);
    const total = goHumanSize(busyboxFixtureSize('busybox:latest') + busyboxFixtureSize('other:1') - BASE_SIZE, 4);
    assert.equal(
      ok(await wharf.run(['system', 'df'])).stdout,
      dockerTable([
        ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
        ['Images', '2', '0', total, `${total} (100%)`],
        ['Containers', '0', '0', '0B', '0B'],
        ['Local Volumes', '0', '0', '0B', '0B'],
        ['Build Cache', '0', '0', '0B', '0B'],
      ]),
    );
  });

  it('prints zeros on an empty store', async (t) => {
    const wharf = makeWharf(t);
    const output = ok(await wharf.run(['system', 'df'])).stdout;
    assert.match(output, /^Images {10}0 {9}0 {9}0B {8}0B$/m);
  });

  it('shows shared and unique sizes per image with -v, newest first', async (t) => {
    const { wharf, busybox, other } = await withTwo(t);
    const output = ok(await wharf.run(['system', 'df', '-v'], UTC)).stdout;
    const shared = goHumanSize(BASE_SIZE, 4);
    const images = dockerTable([
      ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE', 'CONTAINERS'],
      ['other', '1', other.id.slice(7, 19), goTimeAgo(new Date('2025-01-01T00:00:00Z')), goHumanSize(busyboxFixtureSize('other:1'), 3), shared, '74B', '0'],
      ['busybox', 'latest', busybox.id.slice(7, 19), '3 years ago', goHumanSize(busyboxFixtureSize(), 3), shared, '81B', '0'],
    ]);
    assert.ok(output.startsWith(`Images space usage:\n\n${images}\n`), output);
    assert.match(output, /\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND/);
    assert.match(output, /\nLocal Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\n/);
    assert.match(output, /\nBuild cache usage: 0B\n/);
  });
});

describe('wharf system check', () => {
  it('finds nothing wrong in a healthy store', async (t) => {
    const { wharf } = await withTwo(t);
    const result = ok(await wharf.run(['system', 'check']));
    assert.equal(result.stdout, 'store is consistent\n');
  });

  it('reports a blob deleted by hand, and --repair drops only the images that needed it', async (t) => {
    const { wharf, busybox, other } = await withTwo(t);
    const gone = busybox.diffIds[1];
    rmSync(join(wharf.root, 'blobs', 'sha256', hex(gone)));
    ok(await wharf.run(['images']), 'images still works with a blob missing');
    const check = await wharf.run(['system', 'check']);
    assert.equal(check.code, 1);
    assert.match(check.stdout, new RegExp(`^found: missing-blob ${gone}\\b`, 'm'));
    const repair = ok(await wharf.run(['system', 'check', '--repair']));
    assert.match(repair.stdout, new RegExp(`^repaired: missing-blob ${gone}\\b`, 'm'));
    assert.equal(ok(await wharf.run(['system', 'check'])).stdout, 'store is consistent\n');
    assert.deepEqual(await ids(wharf), [other.id]);
    assert.deepEqual(blobFiles(wharf.root), [...other.diffIds.map(hex), hex(other.id)].sort());
    const saved = join(tempDir(t), 'other.tar');
    ok(await runToFile(wharf, ['save', 'other:1'], saved), 'the other image is whole');
    assert.equal(await load(makeWharf(t), saved), 'Loaded image: other:1\n');
  });

  it('reports a blob whose bytes changed, and --repair removes it and the image', async (t) => {
    const { wharf, busybox, other } = await withTwo(t);
    const file = join(wharf.root, 'blobs', 'sha256', hex(other.diffIds[1]));
    const bytes = readFileSync(file);
    bytes[bytes.length - 2000] ^= 0xff;
    writeFileSync(file, bytes);
    const check = await wharf.run(['system', 'check']);
    assert.equal(check.code, 1);
    assert.match(check.stdout, new RegExp(`^found: corrupt-blob ${other.diffIds[1]}\\b`, 'm'));
    ok(await wharf.run(['system', 'check', '--repair']));
    assert.equal(ok(await wharf.run(['system', 'check'])).stdout, 'store is consistent\n');
    assert.deepEqual(await ids(wharf), [busybox.id]);
    assert.ok(!blobFiles(wharf.root).includes(hex(other.diffIds[1])));
  });

  it('reports and removes a blob nothing references and a dead process\'s partial write', async (t) => {
    const { wharf } = await withTwo(t);
    const before = blobFiles(wharf.root);
    const stray = Buffer.from('a blob no image uses\n');
    writeFileSync(join(wharf.root, 'blobs', 'sha256', sha256Hex(stray)), stray);
    const deadPid = spawnSync('true').pid;
    writeFileSync(join(wharf.root, 'ingest', `${deadPid}-0123456789abcdef`), 'half a layer');
    const check = await wharf.run(['system', 'check']);
    assert.equal(check.code, 1);
    assert.match(check.stdout, new RegExp(`^found: unreferenced-blob sha256:${sha256Hex(stray)}\\b`, 'm'));
    assert.match(check.stdout, new RegExp(`^found: stale-ingest ${deadPid}-0123456789abcdef\\b`, 'm'));
    ok(await wharf.run(['system', 'check', '--repair']));
    assert.deepEqual(blobFiles(wharf.root), before);
    assert.deepEqual(ingestFiles(wharf.root), []);
    assert.equal(ok(await wharf.run(['system', 'check'])).stdout, 'store is consistent\n');
    assert.equal((await ids(wharf)).length, 2);
  });
});
