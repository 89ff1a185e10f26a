// A container's root filesystem, made from its image's layers: prepared once at create, mounted at start, unmounted when it stops, removed with it.
//
// Lifecycle: prepare(image) → mount() → the runtime runs on the returned path → unmount() → (mount again on restart) → remove().
// What the container changed stays in upperDir (overlayfs's format: whiteouts as 0:0 character devices) for diff and commit.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../digest/digest.ts';
import { WharfError } from '../errors.ts';
import type { Store } from '../store/store.ts';

export type StorageDriver = 'overlay2' | 'vfs';

/** What a container's directory records about its root filesystem (rootfs.json). */
export interface RootfsRecord {
  driver: StorageDriver;
  /** overlay2: the directories below the container's upper dir, top first: its init layer, then the image's snapshots. */
  lowerDirs: string[];
}

/** An overlay mount as mount(2) takes it: `options` names the lower dirs relative to `cwd`. */
export interface MountSpec {
  cwd: string;
  options: string;
}

export interface Snapshotter {
  readonly driver: StorageDriver;
  prepare(store: Store, imageId: Digest, containerDir: string): Promise<void>;
  /** What mounting takes, for a mounter other than mount() (the container's monitor); undefined when there is no mount. */
  mountSpec(containerDir: string): MountSpec | undefined;
  /** Idempotent: an already mounted root is left as it is. */
  mount(containerDir: string): Promise<string>;
  unmount(containerDir: string): Promise<void>;
}

export const ROOTFS_RECORD = 'rootfs.json';

export const containerPaths = (containerDir: string) => ({
  rootfs: join(containerDir, 'rootfs'),
  upperDir: join(containerDir, 'upper'),
  workDir: join(containerDir, 'work'),
  /** overlay2: mount targets the image lacks, the lowest layer the container owns (see init-layer.ts). */
  initDir: join(containerDir, 'init'),
});

export function writeRootfsRecord(containerDir: string, record: RootfsRecord): void {
  writeFileSync(join(containerDir, ROOTFS_RECORD), JSON.stringify(record));
}

export function readRootfsRecord(containerDir: string): RootfsRecord {
  const file = join(containerDir, ROOTFS_RECORD);
  if (!existsSync(file)) throw new WharfError(`container ${containerDir} has no root filesystem record (${ROOTFS_RECORD})`);
  return JSON.parse(readFileSync(file, 'utf8')) as RootfsRecord;
}
