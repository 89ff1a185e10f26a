// `container prune`'s core: every stopped container the filters (until, label, label!) select is removed; the IDs and the bytes their writable layers held.
import { matchLabels, parseFilters } from '../../images/filters.ts';
import { parseUntil } from '../../images/until.ts';
import { recordEvent } from '../../events/event-log.ts';
import { containerPaths } from '../../snapshots/snapshotter.ts';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord, listContainers } from './container-store.ts';
import { directorySize } from './directory-size.ts';
import { removeContainer } from './lifecycle.ts';
import { isRunning } from './signal.ts';

export interface ContainerPruneResult {
  removed: string[];
  reclaimedBytes: number;
}

export async function pruneContainers(store: Store, filterArgs: string[]): Promise<ContainerPruneResult> {
  const matches = matcher(filterArgs);
  const result: ContainerPruneResult = { removed: [], reclaimedBytes: 0 };
  for (const record of listContainers(store)) {
    if (isRunning(record) || !matches(record)) continue;
    // the writable layer's bytes, as Docker's SpaceReclaimed sums each container's SizeRw
    const size = directorySize(containerPaths(containerDir(store, record.id)).upperDir);
    await removeContainer(store, record, { force: false, removeVolumes: false });
    result.removed.push(record.id);
    result.reclaimedBytes += size;
  }
  // dockerd's, of no one container
  recordEvent(store, 'container', 'prune', '', { reclaimed: String(result.reclaimedBytes) });
  return result;
}

/** The daemon's prune filters: every `until` and `label` must hold, no `label!` may. */
function matcher(args: string[]): (record: ContainerRecord) => boolean {
  const filters = parseFilters(args, ['until', 'label', 'label!']);
  const until = filters.get('until')?.map((value) => parseUntil(value));
  return (record) => {
    const labels = record.settings.config.Labels;
    if (until && !until.every((limit) => Date.parse(record.created) < limit)) return false;
    if (!matchLabels(filters.get('label'), labels)) return false;
    return !filters.get('label!')?.some((filter) => matchLabels([filter], labels));
  };
}
