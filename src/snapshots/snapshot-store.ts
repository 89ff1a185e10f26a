// Unpacked layers under <root>/snapshots/<chain ID hex>: each made once (in a temp dir, then renamed into place) and shared by every container and later image.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crypto, type Digest } from '../digest/digest.ts';
import { isProcessAlive } from '../store/leases.ts';
import type { Store } from '../store/store.ts';
import type { ApplyOptions } from './layer-applier.ts';
import { readRootfsRecord, ROOTFS_RECORD } from './snapshotter.ts';

export interface ImageLayer {
  chainId: Digest;
  /** The stored blob (compressed or not) that holds the layer's tar. */
  blob: Digest;
}

/** Snapshots unpacked at once; each is one read of a blob and many small writes, so a few overlap well even on two cores. */
const PARALLEL_UNPACKS = 3;

export function snapshotsDir(store: Store): string {
  return join(store.root, 'snapshots');
}

export function snapshotPath(store: Store, chainId: Digest): string {
  return join(snapshotsDir(store), chainId.slice('sha256:'.length));
}

/** The image's layers, bottom first, with their chain IDs. */
export function imageLayers(store: Store, imageId: Digest): ImageLayer[] {
  const rows = store.db.all(`
    SELECT il.chain_id AS chainId, MIN(lb.blob_digest) AS blob FROM image_layers il JOIN layer_blobs lb ON lb.diff_id = il.diff_id
    WHERE il.image_id = ? GROUP BY il.position ORDER BY il.position`, imageId);
  return rows.map((row) => ({ chainId: String(row.chainId) as Digest, blob: String(row.blob) as Digest }));
}

/** Unpacks every layer of the image that has no snapshot yet, each into its own directory with overlayfs whiteouts; the directories, bottom first. */
export async function ensureSnapshots(store: Store, imageId: Digest): Promise<string[]> {
  const layers = imageLayers(store, imageId);
  const missing = layers.filter((layer) => !existsSync(snapshotPath(store, layer.chainId)));
  for (let start = 0; start < missing.length; start += PARALLEL_UNPACKS) {
    await Promise.all(missing.slice(start, start + PARALLEL_UNPACKS).map((layer) => unpackSnapshot(store, layer)));
  }
  return layers.map((layer) => snapshotPath(store, layer.chainId));
}

/** Another process unpacking the same layer at once is fine: the first rename wins and the loser's copy goes. */
async function unpackSnapshot(store: Store, layer: ImageLayer): Promise<void> {
  const temp = join(snapshotsDir(store), `.tmp-${process.pid}-${crypto().randomBytes(6).toString('hex')}`);
  mkdirSync(temp, { recursive: true, mode: 0o755 });
  try {
    await unpackBlob(store, layer.blob, temp, { whiteouts: 'overlay' });
    renameSync(temp, snapshotPath(store, layer.chainId));
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(snapshotPath(store, layer.chainId))) return;
    throw error;
  }
}

export async function unpackBlob(store: Store, blob: Digest, dir: string, options: ApplyOptions): Promise<void> {
  // loaded on use: a run whose snapshots are all there (the usual case) never needs zlib or the tar reader (~20 ms)
  const [{ decompressStream }, { applyLayer }] = await Promise.all([import('../layers/compression.ts'), import('./layer-applier.ts')]);
  const { stream } = await decompressStream(store.content.read(blob));
  await applyLayer(stream, dir, options);
}

/** Removes snapshots no image's chain uses any more, and temp dirs their (dead) unpacking processes left; the chain IDs removed. */
export function sweepSnapshots(store: Store): string[] {
  const dir = snapshotsDir(store);
  if (!existsSync(dir)) return [];
  const used = usedSnapshots(store);
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const temp = /^\.tmp-(\d+)-/.exec(name);
    const stale = temp ? !isProcessAlive(Number(temp[1])) : /^[0-9a-f]{64}$/.test(name) && !used.has(name);
    if (!stale) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    if (!temp) removed.push(`sha256:${name}`);
  }
  return removed;
}

/** Chains of every image, and the lower dirs of every container (whose image `rmi -f` may have removed). */
function usedSnapshots(store: Store): Set<string> {
  const used = new Set<string>();
  for (const row of store.db.all('SELECT id FROM images')) {
    for (const layer of imageLayers(store, String(row.id) as Digest)) used.add(layer.chainId.slice('sha256:'.length));
  }
  const containers = join(store.root, 'containers');
  for (const id of existsSync(containers) ? readdirSync(containers) : []) {
    const dir = join(containers, id);
    if (!existsSync(join(dir, ROOTFS_RECORD))) continue;
    for (const lower of readRootfsRecord(dir).lowerDirs) used.add(basename(lower));
  }
  return used;
}
