// `history`: the rows of an image's history, newest first, with layer sizes and `<missing>` IDs as Docker shows them.
import type { Digest } from '../digest/digest.ts';
import type { HistoryEntry } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { getImageRecord, layerSizes, type ImageRecord } from './image-records.ts';
import { readConfig } from './inspect.ts';
import { familiar } from './names.ts';

export interface HistoryRow {
  id: string;
  created?: string;
  createdBy: string;
  size: number;
  comment: string;
  tags: string[];
}

export async function imageHistory(store: Store, id: Digest): Promise<HistoryRow[]> {
  const config = await readConfig(store, id);
  const sizes = layerSizes(store);
  const diffIds = [...config.rootfs.diff_ids];
  // Docker lists the config's history entries only: an image without any has no rows
  const entries: HistoryEntry[] = config.history ?? [];
  const rows: HistoryRow[] = entries.map((entry) => {
    const size = entry.empty_layer ? 0 : sizes.get(diffIds.shift() as Digest) ?? 0;
    return { id: '<missing>', created: entry.created, createdBy: entry.created_by ?? '', size, comment: entry.comment ?? '', tags: [] };
  });
  rows.reverse();
  nameRowsByAncestors(store, rows, id);
  return rows;
}

/** Docker gives the top row this image's ID and each next row the next local ancestor's; the rest stay `<missing>`. */
function nameRowsByAncestors(store: Store, rows: HistoryRow[], id: Digest): void {
  let current: Digest | undefined = id;
  for (const row of rows) {
    const record: ImageRecord | undefined = current ? getImageRecord(store, current) : undefined;
    if (!record) return;
    row.id = record.id;
    row.tags = record.repoTags.map(familiar);
    current = record.parent;
  }
}
