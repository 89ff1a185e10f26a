// `rmi`: untags and deletes images with Docker's rules for which references go, conflicts, and parent pruning.
import type { Digest } from '../digest/digest.ts';
import { shortId } from '../digest/digest.ts';
import { ConflictError } from '../errors.ts';
import { parseReference } from '../reference/reference.ts';
import { collectGarbage } from '../store/gc.ts';
import { sweepSnapshots } from '../snapshots/snapshot-store.ts';
import type { Store } from '../store/store.ts';
import { imageEvent } from './image-events.ts';
import { familiar } from './names.ts';
import { resolveImage } from './resolve.ts';

export type DeleteRecord = { Untagged: string } | { Deleted: string };

export interface RemoveOptions {
  force: boolean;
  /** Docker's `--no-prune` is `prune: false`: keep untagged parents. */
  prune: boolean;
}

export function removeImage(store: Store, input: string, options: RemoveOptions): DeleteRecord[] {
  const records = removeImageRecords(store, input, options);
  collectGarbage(store);
  sweepSnapshots(store);
  return records;
}

/** The records half of `removeImage`, in one transaction; the caller sweeps blobs (once, for many removals). */
export function removeImageRecords(store: Store, input: string, options: RemoveOptions): DeleteRecord[] {
  return store.db.transaction(() => removeWithin(store, input, options));
}

function removeWithin(store: Store, input: string, options: RemoveOptions): DeleteRecord[] {
  const { id, reference } = resolveImage(store, input);
  const records: DeleteRecord[] = [];
  if (reference) {
    const user = options.force || !isSingleRepository(referencesOf(store, id)) ? undefined : containersUsing(store, id)[0];
    if (user) {
      throw new ConflictError(`conflict: unable to remove repository reference "${input}" (must force) - container ${user.id.slice(0, 12)} is using its referenced image ${shortId(id)}`);
    }
    untag(store, id, reference, records);
    untagDigestsOfRepositoryWithoutTags(store, id, reference, records);
    if (referencesOf(store, id).length > 0) return records;
    // Docker: with the reference gone, a container still using the image keeps it, quietly, unless forced past a stopped one
    if (containerConflict(store, id, options.force)) return records;
  } else if (isSingleRepository(referencesOf(store, id))) {
    const conflict = containerConflict(store, id, options.force);
    if (conflict) throw conflict;
    for (const name of referencesOf(store, id)) untag(store, id, name, records);
  }
  const conflict = containerConflict(store, id, options.force);
  if (conflict) throw conflict;
  deleteImage(store, id, records, { force: options.force, prune: options.prune });
  return records;
}

/** Removing a repo's last tag also drops that repo's digest references (Docker does the same). */
function untagDigestsOfRepositoryWithoutTags(store: Store, id: Digest, removed: string, records: DeleteRecord[]): void {
  if (parseReference(removed).digest) return;
  const repository = repositoryOf(removed);
  const refs = referencesOf(store, id).filter((name) => repositoryOf(name) === repository);
  if (refs.some((name) => !parseReference(name).digest)) return;
  for (const name of refs) untag(store, id, name, records);
}

function deleteImage(store: Store, id: Digest, records: DeleteRecord[], options: { force: boolean; prune: boolean }): void {
  const conflict = deleteConflict(store, id, options.force);
  if (conflict) throw conflict;
  for (const name of referencesOf(store, id)) untag(store, id, name, records);
  const parent = store.db.get('SELECT parent FROM images WHERE id = ?', id)?.parent as Digest | null;
  const released = releasedChains(store, id);
  store.db.run('DELETE FROM images WHERE id = ?', id);
  imageEvent(store, 'delete', id);
  records.push({ Deleted: id });
  for (const chain of released) records.push({ Deleted: chain });
  if (!options.prune || !parent) return;
  if (referencesOf(store, parent).length > 0 || hasChildren(store, parent)) return;
  deleteImage(store, parent, records, { force: false, prune: true });
}

function deleteConflict(store: Store, id: Digest, force: boolean): ConflictError | undefined {
  if (hasChildren(store, id)) {
    return new ConflictError(`conflict: unable to delete ${shortId(id)} (cannot be forced) - image has dependent child images`);
  }
  if (!force && referencesOf(store, id).length > 0) {
    return new ConflictError(`conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`);
  }
  return undefined;
}

/** The chain IDs of this image's layers that no other image shares, top layer first. */
function releasedChains(store: Store, id: Digest): Digest[] {
  // NOT IN builds its set of the other images' chains once: rmi in a big store stays linear
  const rows = store.db.arrays(
    'SELECT chain_id FROM image_layers WHERE image_id = ? AND chain_id NOT IN (SELECT chain_id FROM image_layers WHERE image_id != ?) ORDER BY position DESC',
    id, id,
  );
  return rows.map(([chain]) => chain as Digest);
}

/** Containers created from the image, running ones first. */
function containersUsing(store: Store, id: Digest): Array<{ id: string; running: boolean }> {
  return store.db
    .all("SELECT id, state IN ('running', 'restarting') AS running FROM containers WHERE image_id = ? ORDER BY running DESC, created", id)
    .map((row) => ({ id: String(row.id), running: Boolean(row.running) }));
}

/** A running container is a hard conflict, a stopped one only without force (moby's checkImageDeleteConflict). */
function containerConflict(store: Store, id: Digest, force: boolean): ConflictError | undefined {
  const user = containersUsing(store, id)[0];
  if (!user) return undefined;
  if (user.running) return new ConflictError(`conflict: unable to delete ${shortId(id)} (cannot be forced) - image is being used by running container ${user.id.slice(0, 12)}`);
  if (force) return undefined;
  return new ConflictError(`conflict: unable to delete ${shortId(id)} (must be forced) - image is being used by stopped container ${user.id.slice(0, 12)}`);
}

function hasChildren(store: Store, id: Digest): boolean {
  return store.db.get('SELECT 1 FROM images WHERE parent = ?', id) !== undefined;
}

export function referencesOf(store: Store, id: Digest): string[] {
  const names = store.db
    .all('SELECT name FROM tags WHERE image_id = ? UNION ALL SELECT name FROM repo_digests WHERE image_id = ?', id, id)
    .map((row) => String(row.name));
  // Docker's reference store lists them sorted by fully qualified name (docker.io/a/b before docker.io/library/x)
  return names.sort();
}

/** dockerd's `untag` event names the image by its ID, not by the name that went. */
function untag(store: Store, id: Digest, name: string, records: DeleteRecord[]): void {
  const table = parseReference(name).digest ? 'repo_digests' : 'tags';
  store.db.run(`DELETE FROM ${table} WHERE name = ?`, name);
  imageEvent(store, 'untag', id);
  records.push({ Untagged: familiar(name) });
}

function isSingleRepository(names: string[]): boolean {
  const repositories = new Set(names.map(repositoryOf));
  const tags = names.filter((name) => !parseReference(name).digest);
  return repositories.size <= 1 && tags.length <= 1;
}

function repositoryOf(name: string): string {
  const reference = parseReference(name);
  return `${reference.domain}/${reference.path}`;
}
