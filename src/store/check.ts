// `system check`: verifies every blob against its digest and every record against the blobs; repairs what a crash left.
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { digestAlgorithm, type Digest } from '../digest/digest.ts';
import { HashingStream } from '../digest/hashing-stream.ts';
import { collectGarbage, deadIngests, referencedBlobs } from './gc.ts';
import type { Store } from './store.ts';

export interface CheckProblem {
  kind: 'corrupt-blob' | 'missing-blob' | 'unreferenced-blob' | 'stale-ingest';
  subject: string;
  detail: string;
}

export async function checkStore(store: Store, options: { repair: boolean }): Promise<CheckProblem[]> {
  const problems: CheckProblem[] = [];
  const referenced = referencedBlobs(store);
  for await (const digest of store.content.list()) {
    const actual = await hashFile(store.content.blobPath(digest), digestAlgorithm(digest));
    if (actual !== digest) problems.push({ kind: 'corrupt-blob', subject: digest, detail: `content hashes to ${actual}` });
    else if (!referenced.has(digest)) problems.push({ kind: 'unreferenced-blob', subject: digest, detail: 'no image references it' });
  }
  for (const digest of referenced) {
    if (!(await store.content.has(digest as Digest))) problems.push({ kind: 'missing-blob', subject: digest, detail: `referenced by ${referrerOf(store, digest)}` });
  }
  for (const name of deadIngests(store.content.ingestDir())) problems.push({ kind: 'stale-ingest', subject: name, detail: 'partial write of a process that is gone' });
  if (options.repair) await repair(store, problems);
  return problems;
}

async function repair(store: Store, problems: CheckProblem[]): Promise<void> {
  for (const problem of problems.filter((p) => p.kind === 'corrupt-blob')) await store.content.delete(problem.subject as Digest);
  const broken = problems.filter((p) => p.kind === 'corrupt-blob' || p.kind === 'missing-blob').map((p) => p.subject);
  store.db.transaction(() => {
    for (const digest of broken) dropImagesUsing(store, digest);
  });
  for (const name of problems.filter((p) => p.kind === 'stale-ingest')) await rm(path.join(store.content.ingestDir(), name.subject), { force: true });
  collectGarbage(store);
}

/** An image whose config, manifest or layer blob is gone or corrupt cannot be used; its records go with it. */
function dropImagesUsing(store: Store, digest: string): void {
  const images = store.db.all(
    `SELECT id FROM images WHERE id = ? OR manifest_digest = ?
     UNION SELECT il.image_id FROM image_layers il JOIN layer_blobs lb ON lb.diff_id = il.diff_id WHERE lb.blob_digest = ?`,
    digest, digest, digest,
  );
  store.db.run('DELETE FROM layer_blobs WHERE blob_digest = ?', digest);
  for (const row of images) {
    const id = String(row.id);
    store.db.run('DELETE FROM tags WHERE image_id = ?', id);
    store.db.run('DELETE FROM repo_digests WHERE image_id = ?', id);
    store.db.run('UPDATE images SET parent = NULL WHERE parent = ?', id);
    store.db.run('DELETE FROM images WHERE id = ?', id);
  }
}

function referrerOf(store: Store, digest: string): string {
  const image = store.db.get(
    `SELECT id FROM images WHERE id = ? OR manifest_digest = ?
     UNION SELECT il.image_id FROM image_layers il JOIN layer_blobs lb ON lb.diff_id = il.diff_id WHERE lb.blob_digest = ?`,
    digest, digest, digest,
  );
  return image ? `image ${image.id}` : 'a lease';
}

async function hashFile(file: string, algorithm: string): Promise<Digest> {
  const hashing = new HashingStream(algorithm);
  await pipeline(createReadStream(file), hashing, async function* (source) {
    for await (const _ of source);
  });
  return hashing.digest();
}
