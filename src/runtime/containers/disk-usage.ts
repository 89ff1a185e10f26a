// `system df`'s view of containers: each one's writable layer (its upper dir's files) and the volumes it uses.
import { directorySize } from './directory-size.ts';
import { containerDir, type ContainerRecord, listContainers } from './container-store.ts';
import { containerPaths } from '../../snapshots/snapshotter.ts';
import type { Store } from '../../store/store.ts';

export interface ContainerUsage {
  record: ContainerRecord;
  /** Docker's SizeRw. */
  sizeRw: number;
  localVolumes: number;
}

/** Newest first, as Docker's /system/df lists them. */
export function containerUsage(store: Store): ContainerUsage[] {
  const volumes = new Map(store.db.all('SELECT container_id, COUNT(*) AS n FROM volume_users GROUP BY container_id').map((row) => [String(row.container_id), Number(row.n)]));
  return listContainers(store)
    .sort((a, b) => Date.parse(b.created) - Date.parse(a.created))
    .map((record) => ({ record, sizeRw: directorySize(containerPaths(containerDir(store, record.id)).upperDir), localVolumes: volumes.get(record.id) ?? 0 }));
}
