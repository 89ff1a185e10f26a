// `wharf network prune [-f]`: Docker's prompt and its `Deleted Networks:` report of the user-defined networks no container uses.
import { pruneNetworks } from '../../runtime/network/networks.ts';
import { confirm } from '../confirm.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const store = await context.store();
  if (!values.force && !(await confirm(context, WARNING))) return 0;
  const names = await pruneNetworks(store);
  if (names.length > 0) context.out(`Deleted Networks:\n${names.join('\n')}\n\n`);
  return 0;
}
