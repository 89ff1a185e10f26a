// `wharf unpause CONTAINER...`: thaws each paused container (runc resume); prints each name as given.
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { unpauseContainer } from '../../runtime/containers/pause.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { forEachNamedContainer } from './each-named-container.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 1 }, path, `${path} CONTAINER [CONTAINER...]`);
  const store = await context.store();
  return forEachNamedContainer(context, positionals, (reference) => unpauseContainer(store, resolveContainer(store, reference)));
}
