// `wharf top CONTAINER [ps OPTIONS]`: the container's processes as the host's ps shows them (`runc ps`), in Docker's table.
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { containerTop, type ProcessTable } from '../../runtime/containers/top.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { tabwrite } from '../format/tabwriter.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  // pflag's SetInterspersed(false), as docker/cli's top: everything after the container goes to ps, dashes included
  const split = args.findIndex((arg) => !arg.startsWith('-'));
  parseFlags(split < 0 ? args : args.slice(0, split), {}, path);
  const [reference, ...psArgs] = split < 0 ? [] : args.slice(split);
  requireArgs(split < 0 ? [] : [reference], { min: 1 }, path, `${path} CONTAINER [ps OPTIONS]`);
  const store = await context.store();
  context.out(psTable(containerTop(store, resolveContainer(store, reference), psArgs)));
  return 0;
}

/** docker/cli's top table (tabwriter 20, 1, 3). */
function psTable({ titles, processes }: ProcessTable): string {
  return tabwrite([titles, ...processes].map((row) => `${row.join('\t')}\n`).join(''), { minWidth: 20, padding: 3 });
}
