// `wharf start [-a] [-i] CONTAINER...`: starts containers; with -a, attaches to the one and exits with its code.
import { errorLine, WharfError } from '../../errors.ts';
import { containerDir, resolveContainer } from '../../runtime/containers/container-store.ts';
import { startContainer } from '../../runtime/containers/start.ts';
import { attachUntilExit, waitForStart } from '../../runtime/monitor/attach-client.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { UsageError } from '../usage-error.ts';
import { proxySignals } from './signal-proxy.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { attach: { type: 'boolean', short: 'a' }, interactive: { type: 'boolean', short: 'i' }, 'detach-keys': { type: 'string' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const attach = Boolean(values.attach || values.interactive);
  if (attach && positionals.length > 1) throw new UsageError('you cannot start and attach multiple containers at once');
  const store = await context.store();
  if (attach) {
    const record = resolveContainer(store, positionals[0]);
    const { config } = record.settings;
    await startContainer(store, record, { waitForAttach: true });
    const stopProxy = config.Tty ? () => {} : proxySignals(store, record);
    const streams = { stdin: values.interactive && config.OpenStdin ? context.stdin : undefined, stdout: context.stdout, stderr: context.stderr, tty: config.Tty };
    const outcome = await attachUntilExit(containerDir(store, record.id), streams, (error) => context.err(`wharf: ${errorLine(error)}\n`));
    stopProxy();
    if (outcome.status.error) throw new WharfError(outcome.status.error, { exitCode: outcome.status.exitCode });
    return outcome.detached ? 0 : (outcome.status.exitCode ?? 0);
  }
  const failures: string[] = [];
  for (const reference of positionals) {
    try {
      const record = resolveContainer(store, reference);
      await startContainer(store, record, { waitForAttach: false });
      const status = await waitForStart(containerDir(store, record.id));
      if (status.error) throw new WharfError(status.error);
      context.out(`${reference}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failures.push(reference);
    }
  }
  if (failures.length) throw new WharfError(`Error: failed to start containers: ${failures.join(', ')}`, { fromDaemon: false });
  return 0;
}
