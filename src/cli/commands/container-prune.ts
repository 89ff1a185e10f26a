// `wharf container prune [-f] [--filter until=…|label=…|label!=…]`: removes every stopped container, with Docker's prompt and report.
import { pruneContainers } from '../../runtime/containers/prune.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { humanSizePrecise } from '../format/units.ts';

const WARNING = 'WARNING! This will remove all stopped containers.';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' }, filter: { type: 'string', multiple: true } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const filters = filterArgs(values.filter, '--filter', path);
  if (!values.force && !(await confirm(context, WARNING))) return 0;
  const { removed, reclaimedBytes } = await pruneContainers(await context.store(), filters);
  if (removed.length > 0) context.out(`Deleted Containers:\n${removed.join('\n')}\n\n`);
  context.out(`Total reclaimed space: ${humanSizePrecise(reclaimedBytes)}\n`);
  return 0;
}
