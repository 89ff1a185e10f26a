// `wharf system prune [-a] [-f] [--volumes] [--filter]`: stopped containers, dangling (or unused) images, anonymous volumes, and what crashes left of networks and runtime state, with Docker's prompt and report.
import { pruneImages } from '../../images/prune.ts';
import { pruneContainers } from '../../runtime/containers/prune.ts';
import { sweepOrphanRuntimeStates, sweepRemovedContainers } from '../../runtime/containers/release.ts';
import { cleanupStaleNetworks } from '../../runtime/network/cleanup.ts';
import { pruneVolumes } from '../../runtime/volumes/volume-store.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { humanSizePrecise } from '../format/units.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    all: { type: 'boolean', short: 'a' },
    force: { type: 'boolean', short: 'f' },
    volumes: { type: 'boolean' },
    filter: { type: 'string', multiple: true },
  }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const filters = filterArgs(values.filter, '--filter', path);
  const [all, volumes] = [Boolean(values.all), Boolean(values.volumes)];
  if (!values.force && !(await confirm(context, warning({ all, volumes, filters })))) return 0;
  const store = await context.store();
  const containers = await pruneContainers(store, filters);
  if (containers.removed.length > 0) context.out(`Deleted Containers:\n${containers.removed.join('\n')}\n\n`);
  // before the network sweep, for which a removed container's leftover directory still makes the container known
  await sweepRemovedContainers(store);
  sweepOrphanRuntimeStates(store);
  // namespaces, veths and rules need root; a user's own store has none to leave behind
  if (process.getuid?.() === 0) await cleanupStaleNetworks(store);
  let reclaimed = containers.reclaimedBytes;
  if (volumes) {
    const pruned = pruneVolumes(store, { all: false });
    if (pruned.names.length > 0) context.out(`Deleted Volumes:\n${pruned.names.join('\n')}\n\n`);
    reclaimed += pruned.reclaimedBytes;
  }
  const images = await pruneImages(store, { all, filters });
  if (images.records.length > 0) {
    const lines = images.records.map((record) => ('Untagged' in record ? `untagged: ${record.Untagged}` : `deleted: ${record.Deleted}`));
    context.out(`Deleted Images:\n${lines.join('\n')}\n\n`);
  }
  reclaimed += images.reclaimedBytes;
  context.out(`Total reclaimed space: ${humanSizePrecise(reclaimed)}\n`);
  return 0;
}

/** docker/cli's confirmation template, warning by warning. */
function warning(options: { all: boolean; volumes: boolean; filters: string[] }): string {
  const items = [
    'all stopped containers',
    'all networks not used by at least one container',
    ...(options.volumes ? ['all anonymous volumes not used by at least one container'] : []),
    options.all ? 'all images without at least one container associated to them' : 'all dangling images',
    options.all ? 'all build cache' : 'unused build cache',
  ];
  const filtered = options.filters.length ? `\n  Items to be pruned will be filtered with:\n${options.filters.map((filter) => `  - ${filter}\n`).join('')}` : '';
  return `WARNING! This will remove:\n${items.map((item) => `  - ${item}\n`).join('')}${filtered}`;
}
