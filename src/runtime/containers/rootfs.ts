// The runtime's side of root filesystems: which snapshotter a container uses, and its root made, mounted, unmounted and removed through it.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../../digest/digest.ts';
import { chooseSnapshotter, snapshotterOf } from '../../snapshots/select-snapshotter.ts';
import { containerPaths, ROOTFS_RECORD } from '../../snapshots/snapshotter.ts';
import type { Store } from '../../store/store.ts';

export async function prepareContainerRootfs(store: Store, imageId: Digest, containerDir: string): Promise<void> {
  await (await chooseSnapshotter(store)).prepare(store, imageId, containerDir);
}

export async function mountContainerRootfs(containerDir: string): Promise<string> {
  return snapshotterOf(containerDir).mount(containerDir);
}

/** Safe to repeat, and on a container whose create failed half-way. */
export async function unmountContainerRootfs(containerDir: string): Promise<void> {
  if (existsSync(join(containerDir, ROOTFS_RECORD))) await snapshotterOf(containerDir).unmount(containerDir);
}

export async function removeContainerRootfs(containerDir: string): Promise<void> {
  await unmountContainerRootfs(containerDir);
  const { rootfs, upperDir, workDir } = containerPaths(containerDir);
  for (const dir of [rootfs, upperDir, workDir]) rmSync(dir, { recursive: true, force: true });
}
