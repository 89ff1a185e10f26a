// Garbage collection: sweeps blobs, layer records and ingest files that nothing references any more.
// The sweep runs while holding the DB write lock, so a lease taken by another process either lands
// before the sweep (and protects its blobs) or after it (and rewrites what it needs).
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Digest } from '../digest/digest.ts';
import { dropStaleLeases, isLeaseLive, isProcessAlive } from './leases.ts';
import type { Store } from './store.ts';

export interface GcResult {
  removedBlobs: Array<{ digest: Digest; size: number }>;
  reclaimedBytes: number;
}

export interface GcOptions {
  /** Only consider these blobs (a lease's own), instead of the whole store. */
  only?: Iterable<Digest>;
  dryRun?: boolean;
}

/** What images reference, plus what live leases hold; a stale lease (its process gone) protects nothing. */
export function referencedBlobs(store: Store): Set<string> {
  const { db } = store;
  const rows = db.all(`
    SELECT id AS digest FROM images
    UNION SELECT manifest_digest FROM images WHERE manifest_digest IS NOT NULL
    UNION SELECT lb.blob_digest FROM layer_blobs lb JOIN image_layers il ON il.diff_id = lb.diff_id`);
  const referenced = new Set(rows.map((row) => String(row.digest)));
  for (const row of db.all('SELECT l.pid, l.started, l.expires, b.digest FROM leases l JOIN lease_blobs b ON b.lease_id = l.id')) {
    if (isLeaseLive(row)) referenced.add(String(row.digest));
  }
  return referenced;
}

export function dropUnusedLayers(store: Store): void {
  store.db.run('DELETE FROM layers WHERE diff_id NOT IN (SELECT diff_id FROM image_layers)');
}

export function collectGarbage(store: Store, options: GcOptions = {}): GcResult {
  return store.db.transaction(() => {
    dropStaleLeases(store.db);
    if (!options.dryRun) dropUnusedLayers(store);
    const keep = referencedBlobs(store);
    const candidates = options.only ? [...options.only] : listBlobsSync(store.content.root);
    const removedBlobs: GcResult['removedBlobs'] = [];
    for (const digest of candidates) {
      if (keep.has(digest)) continue;
      const file = store.content.blobPath(digest);
      const size = sizeOrUndefined(file);
      if (size === undefined) continue;
      if (!options.dryRun) rmSync(file, { force: true });
      removedBlobs.push({ digest, size });
    }
    if (!options.only && !options.dryRun) removeDeadIngests(store.content.ingestDir());
    return { removedBlobs, reclaimedBytes: removedBlobs.reduce((sum, blob) => sum + blob.size, 0) };
  });
}

function listBlobsSync(root: string): Digest[] {
  const blobs = path.join(root, 'blobs');
  return readdirSync(blobs).flatMap((algorithm) =>
    readdirSync(path.join(blobs, algorithm)).map((hex): Digest => `${algorithm}:${hex}`),
  );
}

/** How long the partial download of a dead process is kept for the next pull to resume. */
const RESUMABLE_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Ingest files are named <pid>-<random>; those of dead processes are leftovers of a crash. A partial download
 * (<pid>-resume-<hex>) is left for a day, so the next pull can go on from where the last one stopped.
 */
export function deadIngests(ingestDir: string): string[] {
  const now = Date.now();
  return readdirSync(ingestDir).filter((name) => {
    if (isProcessAlive(Number.parseInt(name, 10))) return false;
    return !name.includes(RESUMABLE_MARK) || now - (sizeAndTime(path.join(ingestDir, name))?.mtimeMs ?? 0) > RESUMABLE_KEEP_MS;
  });
}

export const RESUMABLE_MARK = '-resume-';

function sizeAndTime(file: string): { mtimeMs: number } | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function removeDeadIngests(ingestDir: string): void {
  for (const name of deadIngests(ingestDir)) rmSync(path.join(ingestDir, name), { force: true });
}

function sizeOrUndefined(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
