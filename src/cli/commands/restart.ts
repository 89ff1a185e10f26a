// `wharf restart [-t SECONDS] CONTAINER...`: stop (as `stop` does), then start again.
import { errorLine } from '../../errors.ts';
import { containerDir, resolveContainer } from '../../runtime/containers/container-store.ts';
import { stopContainer } from '../../runtime/containers/lifecycle.ts';
import { startContainer } from '../../runtime/containers/start.ts';
import { waitForStart } from '../../runtime/monitor/attach-client.ts';
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
      const record = resolveContainer(store, reference);
      await stopContainer(store, record, options);
      await startContainer(store, resolveContainer(store, record.id), { waitForAttach: false });
      const status = await waitForStart(containerDir(store, record.id));
      if (status.error) throw new Error(status.error);
      context.out(`${reference}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
