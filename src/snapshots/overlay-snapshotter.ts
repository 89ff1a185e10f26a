// The overlay2 driver: the image's layer snapshots as overlayfs lower dirs, the container's own upper and work dirs beside its mount point.
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Digest } from '../digest/digest.ts';
import type { Store } from '../store/store.ts';
import { isMountPoint, mountCommand, unmount } from './mounts.ts';
import { writeInitLayer } from './init-layer.ts';
import { ensureSnapshots } from './snapshot-store.ts';
import { containerPaths, type MountSpec, readRootfsRecord, type Snapshotter, writeRootfsRecord } from './snapshotter.ts';

export const overlaySnapshotter: Snapshotter = {
  driver: 'overlay2',

  async prepare(store: Store, imageId: Digest, containerDir: string): Promise<void> {
    const imageLowers = (await ensureSnapshots(store, imageId)).reverse();
    const paths = containerPaths(containerDir);
    for (const dir of [paths.rootfs, paths.upperDir, paths.workDir]) mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeInitLayer(paths.initDir, imageLowers);
    writeRootfsRecord(containerDir, { driver: 'overlay2', lowerDirs: [paths.initDir, ...imageLowers] });
  },

  mountSpec: overlayMountSpec,

  async mount(containerDir: string): Promise<string> {
    const { rootfs } = containerPaths(containerDir);
    if (isMountPoint(rootfs)) return rootfs;
    const { cwd, options } = overlayMountSpec(containerDir);
    await mountCommand(['-t', 'overlay', 'overlay', '-o', options, rootfs], { cwd });
    return rootfs;
  },

  async unmount(containerDir: string): Promise<void> {
    await unmount(containerPaths(containerDir).rootfs);
  },
};

function overlayMountSpec(containerDir: string): MountSpec {
  const { upperDir, workDir } = containerPaths(containerDir);
  const { lowerDirs } = readRootfsRecord(containerDir);
  // relative to the snapshots dir, so ~60 layers fit in the kernel's one page of mount options
  const cwd = dirname(lowerDirs.at(-1)!);
  const lowers = lowerDirs.map((dir) => (dirname(dir) === cwd ? basename(dir) : dir)).join(':');
  return { cwd, options: `lowerdir=${lowers},upperdir=${upperDir},workdir=${workDir}` };
}
