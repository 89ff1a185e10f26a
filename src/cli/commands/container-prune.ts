// `wharf container prune [-f] [--filter until=…|label=…|label!=…]`: removes every stopped container, with Docker's prompt and report.
import { matchLabels, parseFilters } from '../../images/filters.ts';
import { parseUntil } from '../../images/until.ts';
import { containerDir, type ContainerRecord, listContainers } from '../../runtime/containers/container-store.ts';
import { removeContainer } from '../../runtime/containers/lifecycle.ts';
import { isRunning } from '../../runtime/containers/signal.ts';
import { containerPaths } from '../../snapshots/snapshotter.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { humanSizePrecise } from '../format/units.ts';
import { directorySize } from './directory-size.ts';

const WARNING = 'WARNING! This will remove all stopped containers.';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' }, filter: { type: 'string', multiple: true } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const filters = filterArgs(values.filter, '--filter', path);
  if (!values.force && !(await confirm(context, WARNING))) return 0;
  const matches = matcher(filters);
  const store = await context.store();
  const removed: string[] = [];
  let reclaimed = 0;
  for (const record of listContainers(store)) {
    if (isRunning(record) || !matches(record)) continue;
    // the writable layer's bytes, as Docker's SpaceReclaimed sums each container's SizeRw
    const size = directorySize(containerPaths(containerDir(store, record.id)).upperDir);
    await removeContainer(store, record, { force: false, removeVolumes: false });
    removed.push(record.id);
    reclaimed += size;
  }
  if (removed.length > 0) context.out(`Deleted Containers:\n${removed.join('\n')}\n\n`);
  context.out(`Total reclaimed space: ${humanSizePrecise(reclaimed)}\n`);
  return 0;
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
