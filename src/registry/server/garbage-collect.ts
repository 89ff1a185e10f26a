// Mark-and-sweep garbage collection of a registry root, safe while a server keeps taking pushes on it.
//
// Why it is safe without a read-only window: the server refreshes the modification time of everything a push
// relies on at the moment it relies on it — a committed or mounted blob is touched when linked, a manifest PUT
// touches every blob (and, for an index, every child manifest and its blobs) it names before writing its own blob,
// revision link and tag, and it fails rather than link a tag more than MAX_MANIFEST_PUT_MS after it began. The
// collector takes `cutoff = markStart − grace` (grace ≥ 2 × that bound) and:
//   * marks from every tag (and, without --delete-untagged, every manifest revision), following index children,
//     referrers (manifests whose subject is marked) and config/layers; any tag, revision or referrer link modified
//     after the cutoff is a root too, so a push that landed during the mark is walked like a tagged one;
//   * never deletes a file modified after the cutoff. A push the mark missed wrote or touched its content after the
//     cutoff (it linked its tag after markStart and began at most MAX_MANIFEST_PUT_MS earlier), so its blobs stay.
//   * deletes by first renaming the file aside, then checking its time again: a touch that raced the decision is
//     seen, and the file is put back. A push whose touch finds the file already moved fails (BLOB_UNKNOWN) and the
//     client uploads again, rather than ever linking a blob that is about to vanish.
// Uploads in progress live under _uploads and are never swept (only sessions idle for a week are purged).
import { randomBytes } from 'node:crypto';
import { isDigest, type Digest } from '../../digest/digest.ts';
import { listRepositories } from './catalog.ts';
import { MAX_MANIFEST_PUT_MS } from './manifest-service.ts';
import { parseStoredManifest } from './manifest-format.ts';
import { BLOBS, blobDataPath, layerLinkPath, layersDir, manifestRevisionLinkPath, manifestRevisionsDir, referrersDir, tagLinkPath, tagsDir, uploadDir, uploadsDir, uploadStartedAtPath } from './paths.ts';
import { PathNotFoundError, type StorageDriver } from './storage-driver.ts';
import { readLink } from './tag-service.ts';

export const DEFAULT_GRACE_MS = 10 * 60_000;
export const MIN_GRACE_MS = 2 * MAX_MANIFEST_PUT_MS;
const STALE_UPLOAD_MS = 7 * 24 * 3600_000;

export interface GcOptions {
  dryRun?: boolean;
  /** Keep only manifests reachable from tags; untagged ones leave their repositories. */
  deleteUntagged?: boolean;
  graceMs?: number;
  /** One line per decision. */
  log(line: string): void;
}

export interface GcResult {
  marked: number;
  blobsDeleted: Digest[];
  manifestsDeleted: string[];
  blobsKeptAsRecent: number;
}

export async function garbageCollect(driver: StorageDriver, options: GcOptions): Promise<GcResult> {
  const cutoff = Date.now() - (options.graceMs ?? DEFAULT_GRACE_MS);
  const marked = new Set<Digest>();
  const result: GcResult = { marked: 0, blobsDeleted: [], manifestsDeleted: [], blobsKeptAsRecent: 0 };
  const recent = async (path: string) => (await modifiedMs(driver, path)) >= cutoff;
  for (const name of await listRepositories(driver)) {
    const reached = new Set<Digest>();
    const walk = async (digest: Digest): Promise<void> => {
      if (reached.has(digest)) return;
      reached.add(digest);
      marked.add(digest);
      options.log(`${name}: marking manifest ${digest}`);
      const manifest = await readManifest(driver, digest);
      for (const blob of manifest?.blobs ?? []) marked.add(blob.digest);
      for (const child of manifest?.manifests ?? []) await walk(child.digest);
      for (const referrer of await linkedDigests(driver, referrersDir(name, digest))) await walk(referrer);
    };
    for (const tag of await driver.list(tagsDir(name))) {
      const digest = await readLink(driver, tagLinkPath(name, tag));
      if (digest) await walk(digest);
    }
    const revisions = await linkedDigests(driver, manifestRevisionsDir(name));
    for (const digest of revisions) {
      if (!options.deleteUntagged || (await recent(manifestRevisionLinkPath(name, digest)))) await walk(digest);
    }
    for (const digest of revisions.filter((revision) => !reached.has(revision))) {
      options.log(`manifest eligible for deletion: ${name}@${digest}`);
      if (options.dryRun || (await deleteUnlessRecent(driver, manifestRevisionLinkPath(name, digest), cutoff))) result.manifestsDeleted.push(`${name}@${digest}`);
    }
    if (!options.dryRun) await purgeStaleUploads(driver, name);
  }
  result.marked = marked.size;
  for (const digest of await allBlobs(driver)) {
    if (marked.has(digest)) continue;
    if (await recent(blobDataPath(digest))) {
      result.blobsKeptAsRecent++;
      options.log(`blob kept, modified within the grace period: ${digest}`);
      continue;
    }
    options.log(`blob eligible for deletion: ${digest}`);
    if (options.dryRun || (await deleteUnlessRecent(driver, blobDataPath(digest), cutoff))) result.blobsDeleted.push(digest);
  }
  if (!options.dryRun) await unlinkDeletedBlobs(driver, new Set(result.blobsDeleted), cutoff);
  options.log(`${result.marked} blobs marked, ${result.blobsDeleted.length} blobs and ${result.manifestsDeleted.length} manifests ${options.dryRun ? 'eligible for deletion' : 'deleted'}`);
  return result;
}

/** Moves the file aside, checks its time again, and deletes it or puts it back; true when deleted. */
async function deleteUnlessRecent(driver: StorageDriver, path: string, cutoff: number): Promise<boolean> {
  if ((await modifiedMs(driver, path)) >= cutoff) return false;
  const aside = `_tmp/gc-${randomBytes(8).toString('hex')}`;
  try {
    await driver.move(path, aside);
  } catch (error) {
    if (error instanceof PathNotFoundError) return false;
    throw error;
  }
  if ((await modifiedMs(driver, aside)) >= cutoff) {
    await driver.move(aside, path);
    return false;
  }
  await driver.delete(aside);
  return true;
}

async function modifiedMs(driver: StorageDriver, path: string): Promise<number> {
  try {
    return (await driver.stat(path)).modifiedMs;
  } catch (error) {
    if (error instanceof PathNotFoundError) return 0;
    throw error;
  }
}

async function readManifest(driver: StorageDriver, digest: Digest) {
  try {
    return parseStoredManifest(await driver.getContent(blobDataPath(digest)));
  } catch {
    // a missing or unreadable manifest marks nothing further; its own digest is already marked
    return undefined;
  }
}

/** Digests under `<dir>/<alg>/<hex>/link`. */
async function linkedDigests(driver: StorageDriver, dir: string): Promise<Digest[]> {
  const digests: Digest[] = [];
  for (const algorithm of await driver.list(dir)) {
    for (const hex of await driver.list(`${dir}/${algorithm}`)) {
      const digest = await readLink(driver, `${dir}/${algorithm}/${hex}/link`);
      if (digest && digest === `${algorithm}:${hex}`) digests.push(digest);
    }
  }
  return digests;
}

async function allBlobs(driver: StorageDriver): Promise<Digest[]> {
  const digests: Digest[] = [];
  for (const algorithm of await driver.list(BLOBS)) {
    for (const prefix of await driver.list(`${BLOBS}/${algorithm}`)) {
      for (const hex of await driver.list(`${BLOBS}/${algorithm}/${prefix}`)) {
        const digest = `${algorithm}:${hex}`;
        if (isDigest(digest)) digests.push(digest);
      }
    }
  }
  return digests;
}

/** Repository links to blobs that are gone would only answer 404 later; they go too (unless re-linked meanwhile). */
async function unlinkDeletedBlobs(driver: StorageDriver, deleted: Set<Digest>, cutoff: number): Promise<void> {
  if (deleted.size === 0) return;
  for (const name of await listRepositories(driver)) {
    for (const digest of await linkedDigests(driver, layersDir(name))) {
      if (deleted.has(digest)) await deleteUnlessRecent(driver, layerLinkPath(name, digest), cutoff);
    }
  }
}

async function purgeStaleUploads(driver: StorageDriver, name: string): Promise<void> {
  for (const id of await driver.list(uploadsDir(name))) {
    const started = await modifiedMs(driver, uploadStartedAtPath(name, id));
    if (started > 0 && started < Date.now() - STALE_UPLOAD_MS) await driver.delete(uploadDir(name, id));
  }
}
