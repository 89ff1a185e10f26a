// The vfs driver, for hosts without overlayfs: every layer applied in turn to a plain directory of the container's own (no sharing, no mount).
import { mkdirSync } from 'node:fs';
import type { Digest } from '../digest/digest.ts';
import type { Store } from '../store/store.ts';
import { imageLayers, unpackBlob } from './snapshot-store.ts';
import { containerPaths, type Snapshotter, writeRootfsRecord } from './snapshotter.ts';

export const copySnapshotter: Snapshotter = {
  driver: 'vfs',

  async prepare(store: Store, imageId: Digest, containerDir: string): Promise<void> {
    const { rootfs } = containerPaths(containerDir);
    mkdirSync(rootfs, { recursive: true, mode: 0o755 });
    for (const layer of imageLayers(store, imageId)) await unpackBlob(store, layer.blob, rootfs, { whiteouts: 'apply' });
    writeRootfsRecord(containerDir, { driver: 'vfs', lowerDirs: [] });
  },

  mountSpec(): undefined {
    return undefined;
  },

  async mount(containerDir: string): Promise<string> {
    return containerPaths(containerDir).rootfs;
  },

  async unmount(): Promise<void> {},
};
