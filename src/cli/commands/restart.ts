// `wharf restart [-t SECONDS] CONTAINER...`: stop (as `stop` does), then start again.
import { errorLine } from '../../errors.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { restartContainer } from '../../runtime/containers/restart.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { STOP_FLAGS, stopOptions } from './stop-flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, STOP_FLAGS, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const options = stopOptions(values);
  const store = await context.store();
  let failed = false;
  for (const reference of positionals) {
    try {
      await restartContainer(store, resolveContainer(store, reference), options, reference);
      context.out(`${reference}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
