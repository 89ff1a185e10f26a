// A build step's scratch root: an overlay of an image's snapshots (or of nothing, for FROM scratch) with an upper dir of its own, whose changes become the step's layer.
//
// Lifecycle: openWorkspace(image) → rootfs (mounted) → changes written there → layer() → close(), which unmounts and removes it all.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import { InvalidArgumentError, WharfError } from '../errors.ts';
import { resolveInRoot } from '../snapshots/resolve-in-root.ts';
import { overlaySnapshotter } from '../snapshots/overlay-snapshotter.ts';
import { upperLayerTar } from '../snapshots/overlay-upper.ts';
import { chooseSnapshotter } from '../snapshots/select-snapshotter.ts';
import { ensureSnapshots } from '../snapshots/snapshot-store.ts';
import { containerPaths, writeRootfsRecord } from '../snapshots/snapshotter.ts';
import { isProcessAlive } from '../store/leases.ts';
import { directorySize } from '../runtime/containers/directory-size.ts';
import type { Store } from '../store/store.ts';
import { chainIds } from '../images/chain-ids.ts';
import { adoptUpperDir } from '../snapshots/adopt-upper.ts';
import type { StageState } from './stage-state.ts';

export interface Workspace {
  /** The merged root, mounted. */
  rootfs: string;
  /** What was written to the root since it was opened, as a layer tar with OCI whiteouts. */
  layer(): Promise<Readable>;
  /** The bytes written so far (the upper dir's files). */
  writtenBytes(): number;
  /** Unmounts and removes it; with a chain ID, the upper dir first becomes that layer's snapshot (see adopt-upper.ts). */
  close(keepAs?: Digest): Promise<void>;
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
      writtenBytes: () => directorySize(paths.upperDir),
      close: async (keepAs) => {
        await overlaySnapshotter.unmount(dir);
        if (keepAs) await adoptUpperDir(store, paths.upperDir, keepAs);
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

/** Runs a step that writes to a workspace on the stage's image and commits it; the layer it made keeps its files as the snapshot later steps mount. */
export async function withStepWorkspace(store: Store, state: StageState, step: (workspace: Workspace) => Promise<StageState>): Promise<StageState> {
  const workspace = await openWorkspace(store, state.imageId);
  let next: StageState;
  try {
    next = await step(workspace);
  } catch (error) {
    await workspace.close();
    throw error;
  }
  await workspace.close(topChainId(state, next));
  return next;
}

/** The chain ID of the layer a step added, if it added one. */
export function topChainId(before: StageState, after: StageState): Digest | undefined {
  const diffIds = after.image.rootfs.diff_ids;
  return diffIds.length > before.image.rootfs.diff_ids.length ? chainIds(diffIds).at(-1) : undefined;
}

/** Makes `dir` (relative to the root) and its missing parents as moby's MkdirAllAndChownNew does: 0755, only the new ones given `owner`. */
export async function makeDirectories(rootfs: string, dir: string, owner: { uid: number; gid: number }): Promise<void> {
  const parts = dir.split('/').filter(Boolean);
  for (let depth = 1; depth <= parts.length; depth++) {
    const path = resolveInRoot(rootfs, parts.slice(0, depth).join('/'));
    const existing = await lstat(path).catch(() => undefined);
    if (existing?.isDirectory()) continue;
    if (existing) throw new InvalidArgumentError(`Cannot mkdir: /${parts.slice(0, depth).join('/')} is not a directory`);
    await mkdir(path);
    // the mode exactly, whatever the umask
    await chmod(path, 0o755);
    await lchown(path, owner.uid, owner.gid);
  }
}
