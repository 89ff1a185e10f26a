// `wharf volume prune [-a] [-f] [--filter]`: Docker's prompt, its `Deleted Volumes:` report and the space reclaimed.
import { volumeFilter } from '../../runtime/volumes/volume-filter.ts';
import { pruneVolumes } from '../../runtime/volumes/volume-store.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { humanSizePrecise } from '../format/units.ts';

const WARN_ANONYMOUS = 'WARNING! This will remove anonymous local volumes not used by at least one container.';
const WARN_ALL = 'WARNING! This will remove all local volumes not used by at least one container.';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    all: { type: 'boolean', short: 'a' },
    force: { type: 'boolean', short: 'f' },
    filter: { type: 'string', multiple: true },
  }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const all = Boolean(values.all);
  const store = await context.store();
  const filter = volumeFilter(store, filterArgs(values.filter, '--filter', path));
  if (!values.force && !(await confirm(context, all ? WARN_ALL : WARN_ANONYMOUS))) return 0;
  const { names, reclaimedBytes } = pruneVolumes(store, { all, filter });
  if (names.length > 0) context.out(`Deleted Volumes:\n${names.join('\n')}\n\n`);
  context.out(`Total reclaimed space: ${humanSizePrecise(reclaimedBytes)}\n`);
  return 0;
}
