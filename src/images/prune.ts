// `image prune`: removes dangling images (all unused ones with `all`), reporting what went and the space reclaimed.
import type { Digest } from '../digest/digest.ts';
import { sweepSnapshots } from '../snapshots/snapshot-store.ts';
import type { Store } from '../store/store.ts';
import { booleanFilter, matchLabels, parseFilters } from './filters.ts';
import { imageEvent } from './image-events.ts';
import { listImageRecords } from './image-records.ts';
import { readConfig } from './inspect.ts';
import { removeImageRecords, type DeleteRecord } from './remove.ts';
import { collectGarbage } from '../store/gc.ts';
import { parseUntil } from './until.ts';

export interface PruneResult {
  records: DeleteRecord[];
  reclaimedBytes: number;
}

export async function pruneImages(store: Store, options: { all: boolean; filters: string[] }): Promise<PruneResult> {
  const filters = parseFilters(options.filters, ['dangling', 'until', 'label', 'label!']);
  const all = options.all || booleanFilter(filters, 'dangling') === false;
  const until = filters.get('until')?.map(parseUntil);
  const labelFiltered = filters.has('label') || filters.has('label!');
  const records: DeleteRecord[] = [];
  const sizesBefore = layerBytes(store);
  const candidates = listImageRecords(store, { layers: false });
  const parents = new Set(candidates.map((record) => record.parent).filter(Boolean));
  // an image a container was created from is in use, whatever the container's state
  const used = new Set(store.db.all('SELECT DISTINCT image_id FROM containers').map((row) => String(row.image_id)));
  for (const record of candidates) {
    if (parents.has(record.id) || used.has(record.id)) continue;
    const dangling = record.repoTags.length === 0 && record.repoDigests.length === 0;
    if (!all && !dangling) continue;
    const created = Date.parse(record.created ?? '');
    if (until && !until.every((limit) => created < limit)) continue;
    if (labelFiltered && !(await labelsMatch(store, record.id, filters))) continue;
    records.push(...removeOne(store, record.id, [...record.repoTags, ...record.repoDigests]));
  }
  // One sweep of the blobs for the whole prune, not one per image removed.
  collectGarbage(store);
  sweepSnapshots(store);
  const reclaimedBytes = sizesBefore - layerBytes(store);
  // dockerd's `prune` event has no actor, only the bytes
  imageEvent(store, 'prune', '', { reclaimed: String(reclaimedBytes) });
  return { records, reclaimedBytes };
}

/** `label=` must all match; `label!=` must all miss. Only these filters need the image's config. */
async function labelsMatch(store: Store, id: Digest, filters: Map<string, string[]>): Promise<boolean> {
  const labels = (await readConfig(store, id)).config?.Labels;
  if (!matchLabels(filters.get('label'), labels)) return false;
  return !filters.get('label!')?.some((filter) => matchLabels([filter], labels));
}

/** Untags by name first, as Docker's prune does, then deletes by ID. */
function removeOne(store: Store, id: Digest, names: string[]): DeleteRecord[] {
  const records: DeleteRecord[] = [];
  for (const name of names) records.push(...removeImageRecords(store, name, { force: false, prune: true }));
  if (store.db.get('SELECT 1 FROM images WHERE id = ?', id)) records.push(...removeImageRecords(store, id, { force: false, prune: true }));
  return records;
}

function layerBytes(store: Store): number {
  return Number(store.db.get('SELECT COALESCE(SUM(size), 0) AS total FROM layers')?.total ?? 0);
}
