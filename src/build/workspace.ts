// A build step's scratch root: an overlay of an image's snapshots (or of nothing, for FROM scratch) with an upper dir of its own, whose changes become the step's layer.
//
// Lifecycle: openWorkspace(image) → rootfs (mounted) → changes written there → layer() → close(), which unmounts and removes it all.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import { WharfError } from '../errors.ts';
import { overlaySnapshotter } from '../snapshots/overlay-snapshotter.ts';
import { upperLayerTar } from '../snapshots/overlay-upper.ts';
import { chooseSnapshotter } from '../snapshots/select-snapshotter.ts';
import { ensureSnapshots } from '../snapshots/snapshot-store.ts';
import { containerPaths, writeRootfsRecord } from '../snapshots/snapshotter.ts';
import { isProcessAlive } from '../store/leases.ts';
import type { Store } from '../store/store.ts';

export interface Workspace {
  /** The merged root, mounted. */
  rootfs: string;
  /** What was written to the root since it was opened, as a layer tar with OCI whiteouts. */
  layer(): Promise<Readable>;
  close(): Promise<void>;
}

export function buildDir(store: Store): string {
  return join(store.root, 'build');
}

export async function openWorkspace(store: Store, imageId: Digest | undefined): Promise<Workspace> {
  if ((await chooseSnapshotter(store)).driver !== 'overlay2') throw new WharfError('wharf build needs the overlay2 storage driver (overlayfs)');
  await sweepDeadWorkspaces(store);
  const dir = join(buildDir(store), `${process.pid}-${randomBytes(6).toString('hex')}`);
  const paths = containerPaths(dir);
  const empty = join(dir, 'empty');
  for (const path of [paths.rootfs, paths.upperDir, paths.workDir, empty]) mkdirSync(path, { recursive: true, mode: 0o755 });
  try {
    const lowerDirs = imageId ? (await ensureSnapshots(store, imageId)).reverse() : [];
    writeRootfsRecord(dir, { driver: 'overlay2', lowerDirs: lowerDirs.length ? lowerDirs : [empty] });
    const rootfs = await overlaySnapshotter.mount(dir);
    return {
      rootfs,
      layer: () => upperLayerTar(dir),
      close: async () => {
        await overlaySnapshotter.unmount(dir);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await overlaySnapshotter.unmount(dir);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Workspaces of builds that were killed (`<pid>-…` of a process gone): their mounts undone and their files removed. */
async function sweepDeadWorkspaces(store: Store): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(buildDir(store));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || isProcessAlive(pid)) continue;
    const dir = join(buildDir(store), name);
    await overlaySnapshotter.unmount(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `work` on a workspace of the image and always closes it. */
export async function withWorkspace<T>(store: Store, imageId: Digest | undefined, work: (workspace: Workspace) => Promise<T>): Promise<T> {
  const workspace = await openWorkspace(store, imageId);
  try {
    return await work(workspace);
  } finally {
    await workspace.close();
  }
}
