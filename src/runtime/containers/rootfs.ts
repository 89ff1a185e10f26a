// Adapter to the root-filesystem snapshotter; TEMPORARY stand-in (tar-extracts the image per container, no overlay) until src/snapshots/snapshotter.ts lands.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/store.ts';

export async function prepareContainerRootfs(store: Store, imageId: string, containerDir: string): Promise<{ rootfs: string; upperDir: string }> {
  const rootfs = join(containerDir, 'rootfs');
  mkdirSync(rootfs, { recursive: true });
  const layers = store.db.all('SELECT lb.blob_digest AS digest FROM image_layers il JOIN layer_blobs lb ON lb.diff_id = il.diff_id WHERE il.image_id = ? GROUP BY il.position ORDER BY il.position', imageId);
  for (const layer of layers) execFileSync('tar', ['-xf', join(store.root, 'blobs', 'sha256', String(layer.digest).slice(7)), '-C', rootfs]);
  return { rootfs, upperDir: rootfs };
}

export async function mountContainerRootfs(_containerDir: string): Promise<string> {
  return join(_containerDir, 'rootfs');
}

export async function unmountContainerRootfs(_containerDir: string): Promise<void> {}

export async function removeContainerRootfs(containerDir: string): Promise<void> {
  rmSync(join(containerDir, 'rootfs'), { recursive: true, force: true });
}
