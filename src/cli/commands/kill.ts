// `wharf kill [-s SIGNAL] CONTAINER...`: a signal (SIGKILL by default) to each running container; prints each name as given.
import { errorLine } from '../../errors.ts';
import { resolveContainer, updateContainer } from '../../runtime/containers/container-store.ts';
import { normalizeSignal, signalContainer } from '../../runtime/containers/signal.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { signal: { type: 'string', short: 's' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const store = await context.store();
  const signal = normalizeSignal((values.signal as string | undefined) ?? 'KILL');
  let failed = false;
  for (const reference of positionals) {
    try {
      const record = resolveContainer(store, reference);
      // Docker: a container killed by the user is not restarted by its policy
      if (signal === 'SIGKILL') store.db.transaction(() => updateContainer(store, record.id, { stopRequested: true }));
      signalContainer(store, record, signal, reference);
      context.out(`${reference}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
