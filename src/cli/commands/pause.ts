// `wharf pause CONTAINER...`: freezes every process of each running container (runc pause); prints each name as given.
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { pauseContainer } from '../../runtime/containers/pause.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { forEachNamedContainer } from './each-named-container.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 1 }, path, `${path} CONTAINER [CONTAINER...]`);
  const store = await context.store();
  return forEachNamedContainer(context, positionals, (reference) => pauseContainer(store, resolveContainer(store, reference)));
}
