// RUN --mount=type=cache directories: one per id under <root>/build-cache, kept across builds; a build marks the ones it uses, so `builder prune` leaves those alone.
import { createHash } from 'node:crypto';
import { chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { directorySize } from '../runtime/containers/directory-size.ts';
import { isProcessAlive } from '../store/leases.ts';
import type { Store } from '../store/store.ts';

const IN_USE_SUFFIX = '.in-use';

export function cacheMountsDir(store: Store): string {
  return join(store.root, 'build-cache');
}

/** The directory of cache `id`, made (with `mode`, `uid`, `gid`) the first time, and marked in use by this process until `release`. */
export function useCacheMount(store: Store, id: string, owner: { mode: number; uid: number; gid: number }): { dir: string; release(): void } {
  const dir = join(cacheMountsDir(store), createHash('sha256').update(id).digest('hex').slice(0, 32));
  try {
    lstatSync(dir);
  } catch {
    mkdirSync(dir, { recursive: true, mode: owner.mode });
    chownSync(dir, owner.uid, owner.gid);
  }
  const marker = `${dir}${IN_USE_SUFFIX}-${process.pid}`;
  writeFileSync(marker, String(process.pid));
  return { dir, release: () => rmSync(marker, { force: true }) };
}

export interface CacheMountUsage {
  id: string;
  size: number;
  inUse: boolean;
  created: Date;
  lastUsed: Date;
}

/** `system df`'s view of the cache directories: their sizes, and which a running build uses. */
export function cacheMountUsage(store: Store): CacheMountUsage[] {
  const root = cacheMountsDir(store);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const inUse = liveMarkers(root, names);
  return names
    .filter((name) => !name.includes(IN_USE_SUFFIX))
    .map((name) => {
      const stats = lstatSync(join(root, name));
      return { id: name, size: directorySize(join(root, name)), inUse: inUse.has(name), created: stats.birthtime, lastUsed: stats.mtime };
    });
}

/** The cache directories a live build has marked; markers of dead builds are removed on the way. */
function liveMarkers(root: string, names: string[]): Set<string> {
  const inUse = new Set<string>();
  for (const name of names.filter((candidate) => candidate.includes(IN_USE_SUFFIX))) {
    const pid = Number(readFileSync(join(root, name), 'utf8'));
    if (isProcessAlive(pid)) inUse.add(name.slice(0, name.indexOf(IN_USE_SUFFIX)));
    else rmSync(join(root, name), { force: true });
  }
  return inUse;
}

/** Removes every cache directory no live build is using; returns their names and the bytes they held. */
export function pruneCacheMounts(store: Store): { removed: string[]; reclaimedBytes: number } {
  const root = cacheMountsDir(store);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return { removed: [], reclaimedBytes: 0 };
  }
  const inUse = liveMarkers(root, names);
  const removed: string[] = [];
  let reclaimedBytes = 0;
  for (const name of names.filter((candidate) => !candidate.includes(IN_USE_SUFFIX) && !inUse.has(candidate))) {
    reclaimedBytes += directorySize(join(root, name));
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return { removed, reclaimedBytes };
}
