// The runtime's side of root filesystems: which snapshotter a container uses, and its root made, mounted (for a run or for a look inside), unmounted and removed through it.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../../digest/digest.ts';
import { chooseSnapshotter, snapshotterOf } from '../../snapshots/select-snapshotter.ts';
import { containerPaths, type MountSpec, ROOTFS_RECORD } from '../../snapshots/snapshotter.ts';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord, getContainer } from './container-store.ts';
import { isRunning } from './signal.ts';

export async function prepareContainerRootfs(store: Store, imageId: Digest, containerDir: string): Promise<void> {
  await (await chooseSnapshotter(store)).prepare(store, imageId, containerDir);
}

export async function mountContainerRootfs(containerDir: string): Promise<string> {
  return snapshotterOf(containerDir).mount(containerDir);
}

/** For the container's monitor to mount the root itself (see startContainer); undefined when there is nothing to mount. */
export function rootfsMountSpec(containerDir: string): MountSpec | undefined {
  return snapshotterOf(containerDir).mountSpec(containerDir);
}

/** Safe to repeat, and on a container whose create failed half-way. */
export async function unmountContainerRootfs(containerDir: string): Promise<void> {
  if (existsSync(join(containerDir, ROOTFS_RECORD))) await snapshotterOf(containerDir).unmount(containerDir);
}

export async function removeContainerRootfs(containerDir: string): Promise<void> {
  await unmountContainerRootfs(containerDir);
  const { rootfs, upperDir, workDir, initDir } = containerPaths(containerDir);
  for (const dir of [rootfs, upperDir, workDir, initDir]) rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs `work` on the container's merged root: a running container's own mount, else one made for the work and undone
 * after it, unless the container was started meanwhile (its run now uses the same mount).
 */
export async function withContainerRootfs<T>(store: Store, record: ContainerRecord, work: (rootfs: string) => Promise<T>): Promise<T> {
  const dir = containerDir(store, record.id);
  const mountedBefore = isRunning(record);
  const rootfs = await mountContainerRootfs(dir);
  try {
    return await work(rootfs);
  } finally {
    const now = getContainer(store, record.id);
    if (!mountedBefore && !(now && isRunning(now))) await unmountContainerRootfs(dir);
  }
}
