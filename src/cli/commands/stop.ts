// `wharf stop [-t SECONDS] [-s SIGNAL] CONTAINER...`: STOPSIGNAL, then SIGKILL after the timeout; prints each name as given.
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { stopContainer } from '../../runtime/containers/lifecycle.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { forEachNamedContainer } from './each-named-container.ts';
import { STOP_FLAGS, stopOptions } from './stop-flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, STOP_FLAGS, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const options = stopOptions(values);
  const store = await context.store();
  return forEachNamedContainer(context, positionals, (reference) => stopContainer(store, resolveContainer(store, reference), options), { together: true });
}
