// `wharf restart [-t SECONDS] CONTAINER...`: stop (as `stop` does), then start again.
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { restartContainer } from '../../runtime/containers/restart.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { forEachNamedContainer } from './each-named-container.ts';
import { STOP_FLAGS, stopOptions } from './stop-flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, STOP_FLAGS, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const options = stopOptions(values);
  const store = await context.store();
  return forEachNamedContainer(context, positionals, (reference) => restartContainer(store, resolveContainer(store, reference), options, reference));
}
