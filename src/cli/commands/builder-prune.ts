// `wharf builder prune [-a] [-f]`: removes the build cache that is not the images' own (RUN --mount=type=cache directories no running build uses), with docker/cli's prompt and report.
import { pruneCacheMounts } from '../../build/cache-mounts.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { humanSizePrecise } from '../format/units.ts';

const WARN_DANGLING = 'WARNING! This will remove all dangling build cache.';
const WARN_ALL = 'WARNING! This will remove all build cache.';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { all: { type: 'boolean', short: 'a' }, force: { type: 'boolean', short: 'f' } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const store = await context.store();
  if (!values.force && !(await confirm(context, values.all ? WARN_ALL : WARN_DANGLING))) return 0;
  // cache mounts belong to no image, so every one a build is not using counts as dangling; the steps' images are pruned with `image prune`
  const { removed, reclaimedBytes } = pruneCacheMounts(store);
  if (removed.length > 0) context.out(`Deleted build cache objects:\n${removed.join('\n')}\n\n`);
  context.out(`Total reclaimed space: ${humanSizePrecise(reclaimedBytes)}\n`);
  return 0;
}
