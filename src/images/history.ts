// `history`: the rows of an image's history, newest first, with layer sizes and `<missing>` IDs as Docker shows them.
import type { Digest } from '../digest/digest.ts';
import type { HistoryEntry } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { getImageRecord, layerSizes } from './image-records.ts';
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
  const record = getImageRecord(store, id);
  const sizes = layerSizes(store);
  const diffIds = [...config.rootfs.diff_ids];
  const entries: HistoryEntry[] = config.history ?? diffIds.map(() => ({}));
  const rows: HistoryRow[] = entries.map((entry) => {
    const size = entry.empty_layer ? 0 : sizes.get(diffIds.shift() as Digest) ?? 0;
    return { id: '<missing>', created: entry.created, createdBy: entry.created_by ?? '', size, comment: entry.comment ?? '', tags: [] };
  });
  rows.reverse();
  // Only the top row is this image; older rows name their own image only when it is stored locally (a parent).
  if (rows[0]) Object.assign(rows[0], { id, tags: (record?.repoTags ?? []).map(familiar) });
  return rows;
}
