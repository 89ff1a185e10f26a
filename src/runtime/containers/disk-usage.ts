// The space containers take: each one's writable layer (its upper dir's files), with its image's, and the volumes it uses (`system df`, `ps -s`).
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

/** Docker's SizeRw (the writable layer) and SizeRootFs (that and the image), as `ps -s` shows them. */
export function containerSize(store: Store, record: ContainerRecord): { rw: number; rootFs: number } {
  const rw = directorySize(containerPaths(containerDir(store, record.id)).upperDir);
  return { rw, rootFs: rw + Number(store.db.get('SELECT size FROM images WHERE id = ?', record.imageId)?.size ?? 0) };
}

/** Newest first, as Docker's /system/df lists them. */
export function containerUsage(store: Store): ContainerUsage[] {
  const volumes = new Map(store.db.all('SELECT container_id, COUNT(*) AS n FROM volume_users GROUP BY container_id').map((row) => [String(row.container_id), Number(row.n)]));
  return listContainers(store)
    .sort((a, b) => Date.parse(b.created) - Date.parse(a.created))
    .map((record) => ({ record, sizeRw: containerSize(store, record).rw, localVolumes: volumes.get(record.id) ?? 0 }));
}
