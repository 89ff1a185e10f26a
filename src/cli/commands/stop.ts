// `wharf stop [-t SECONDS] [-s SIGNAL] CONTAINER...`: STOPSIGNAL, then SIGKILL after the timeout; prints each name as given.
import { errorLine } from '../../errors.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { stopContainer } from '../../runtime/containers/lifecycle.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { STOP_FLAGS, stopOptions } from './stop-flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, STOP_FLAGS, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const options = stopOptions(values);
  const store = await context.store();
  let failed = false;
  await Promise.all(positionals.map(async (reference) => {
    try {
      await stopContainer(store, resolveContainer(store, reference), options);
      context.out(`${reference}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }));
  return failed ? 1 : 0;
}
