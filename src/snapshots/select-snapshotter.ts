// Picks the storage driver: the one asked for (WHARF_STORAGE_DRIVER, daemon.json `storage-driver`), else overlay2 where the kernel mounts it, else vfs.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WharfError } from '../errors.ts';
import { DEFAULT_CONFIG_FILE, readDaemonConfig } from '../store/data-root.ts';
import type { Store } from '../store/store.ts';
import { copySnapshotter } from './copy-snapshotter.ts';
import { mountCommand, unmount } from './mounts.ts';
import { overlaySnapshotter } from './overlay-snapshotter.ts';
import { snapshotsDir } from './snapshot-store.ts';
import { readRootfsRecord, type Snapshotter, type StorageDriver } from './snapshotter.ts';

const BY_DRIVER: Record<StorageDriver, Snapshotter> = { overlay2: overlaySnapshotter, vfs: copySnapshotter };
/** Docker's names for the same drivers. */
const ALIASES: Record<string, StorageDriver> = { overlay2: 'overlay2', overlay: 'overlay2', vfs: 'vfs' };
const PROBE_FILE = '.overlay-probe';

/** The snapshotter for a new container. */
export async function chooseSnapshotter(store: Store, env: NodeJS.ProcessEnv = process.env): Promise<Snapshotter> {
  const config = readDaemonConfig(env.WHARF_CONFIG ?? DEFAULT_CONFIG_FILE);
  const asked = env.WHARF_STORAGE_DRIVER || (typeof config['storage-driver'] === 'string' ? config['storage-driver'] : undefined);
  if (asked) {
    const driver = ALIASES[asked];
    if (!driver) throw new WharfError(`error initializing graphdriver: driver not supported: ${asked}`, { exitCode: 125 });
    return BY_DRIVER[driver];
  }
  return (await overlayWorks(store)) ? overlaySnapshotter : copySnapshotter;
}

/** The snapshotter a container was made with. */
export function snapshotterOf(containerDir: string): Snapshotter {
  return BY_DRIVER[readRootfsRecord(containerDir).driver];
}

let probesStarted = 0;

/** Mounts a one-layer overlay once per data root and remembers the verdict there. */
async function overlayWorks(store: Store): Promise<boolean> {
  const dir = snapshotsDir(store);
  try {
    return readFileSync(join(dir, PROBE_FILE), 'utf8') === 'ok';
  } catch {
    // not probed yet
  }
  // one process (wharf serve) may probe for several creates at once: each its own directory
  const probe = join(dir, `.tmp-${process.pid}-${probesStarted++}-probe`);
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((name) => join(probe, name));
  for (const path of [lower, upper, work, merged]) mkdirSync(path, { recursive: true });
  let verdict = 'ok';
  try {
    await mountCommand(['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    await unmount(merged);
  } catch (error) {
    verdict = (error as Error).message;
  }
  rmSync(probe, { recursive: true, force: true });
  writeFileSync(join(dir, PROBE_FILE), verdict);
  return verdict === 'ok';
}
