// `system df`: per-image shared and unique sizes, and the store's total, counting each layer chain once.
import type { Digest } from '../digest/digest.ts';
import type { Store } from '../store/store.ts';
import { chainIds } from './chain-ids.ts';
import { layerSizes, listImageRecords, type ImageRecord } from './image-records.ts';

export interface ImageUsage {
  record: ImageRecord;
  sharedSize: number;
  uniqueSize: number;
  containers: number;
}

export interface DiskUsage {
  images: ImageUsage[];
  layersSize: number;
}

export function diskUsage(store: Store): DiskUsage {
  // newest first, as Docker's /system/df lists them
  const records = listImageRecords(store).sort((a, b) => Date.parse(b.created ?? '') - Date.parse(a.created ?? ''));
  const sizes = layerSizes(store);
  const users = new Map<Digest, number>();
  const chainSize = new Map<Digest, number>();
  const chainsOf = new Map<Digest, Digest[]>();
  for (const record of records) {
    const chains = chainIds(record.diffIds);
    chainsOf.set(record.id, chains);
    chains.forEach((chain, i) => {
      users.set(chain, (users.get(chain) ?? 0) + 1);
      chainSize.set(chain, sizes.get(record.diffIds[i]) ?? 0);
    });
  }
  const containerCounts = new Map(store.db.all('SELECT image_id, COUNT(*) AS n FROM containers GROUP BY image_id').map((row) => [String(row.image_id), Number(row.n)]));
  // an untagged image with a child is an intermediate one (a build's step): Docker's df leaves them out, as `images` does
  const parents = new Set(records.map((record) => record.parent).filter(Boolean));
  const listed = records.filter((record) => record.repoTags.length + record.repoDigests.length > 0 || !parents.has(record.id));
  const images = listed.map((record) => {
    const sharedSize = (chainsOf.get(record.id) ?? []).filter((chain) => (users.get(chain) ?? 0) > 1).reduce((sum, chain) => sum + (chainSize.get(chain) ?? 0), 0);
    return { record, sharedSize, uniqueSize: record.size - sharedSize, containers: containerCounts.get(record.id) ?? 0 };
  });
  const layersSize = [...chainSize.values()].reduce((sum, size) => sum + size, 0);
  return { images, layersSize };
}
