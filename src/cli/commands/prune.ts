// `wharf image prune [-a] [-f] [--filter]`: Docker's prompt, its `Deleted Images:` report and reclaimed total.
import { pruneImages } from '../../images/prune.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { humanSizePrecise } from '../format/units.ts';

const WARN_DANGLING = 'WARNING! This will remove all dangling images.';
const WARN_ALL = 'WARNING! This will remove all images without at least one container associated to them.';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    all: { type: 'boolean', short: 'a' },
    force: { type: 'boolean', short: 'f' },
    filter: { type: 'string', multiple: true },
  }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const all = Boolean(values.all);
  if (!values.force && !(await confirm(context, all ? WARN_ALL : WARN_DANGLING))) return 0;
  const { records, reclaimedBytes } = await pruneImages(await context.store(), { all, filters: filterArgs(values.filter, '--filter', path) });
  if (records.length > 0) {
    const lines = records.map((record) => ('Untagged' in record ? `untagged: ${record.Untagged}` : `deleted: ${record.Deleted}`));
    context.out(`Deleted Images:\n${lines.join('\n')}\n\n`);
  }
  context.out(`Total reclaimed space: ${humanSizePrecise(reclaimedBytes)}\n`);
  return 0;
}
