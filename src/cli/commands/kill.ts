// `wharf kill [-s SIGNAL] CONTAINER...`: a signal (SIGKILL by default) to each running container; prints each name as given.
import { resolveContainer, updateContainer } from '../../runtime/containers/container-store.ts';
import { normalizeSignal, signalContainer } from '../../runtime/containers/signal.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { forEachNamedContainer } from './each-named-container.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { signal: { type: 'string', short: 's' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const store = await context.store();
  const signal = normalizeSignal((values.signal as string | undefined) ?? 'KILL');
  return forEachNamedContainer(context, positionals, (reference) => {
    const record = resolveContainer(store, reference);
    // Docker: a container killed by the user is not restarted by its policy
    if (signal === 'SIGKILL') store.db.transaction(() => updateContainer(store, record.id, { stopRequested: true }));
    signalContainer(store, record, signal, reference);
  });
}
