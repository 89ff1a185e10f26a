// `wharf attach [--no-stdin] [--sig-proxy=false] CONTAINER`: the running container's output (and stdin), until it exits or Ctrl+P Ctrl+Q.
import { ConflictError } from '../../errors.ts';
import { containerDir, resolveContainer } from '../../runtime/containers/container-store.ts';
import { isRunning } from '../../runtime/containers/signal.ts';
import { attachContainer } from '../../runtime/monitor/attach-client.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { proxySignals } from './signal-proxy.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'no-stdin': { type: 'boolean' }, 'sig-proxy': { type: 'boolean' } }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] CONTAINER`);
  const store = await context.store();
  const record = resolveContainer(store, positionals[0]);
  const stopped = () => new ConflictError('You cannot attach to a stopped container, start it first');
  if (!isRunning(record)) throw stopped();
  const { config } = record.settings;
  const stopProxy = values['sig-proxy'] === false || config.Tty ? () => {} : proxySignals(store, record);
  const streams = { stdin: config.OpenStdin && !values['no-stdin'] ? context.stdin : undefined, stdout: context.stdout, stderr: context.stderr, tty: config.Tty };
  // the only failure is a refused connection: the monitor closed its socket, the container having just stopped
  const outcome = await attachContainer(containerDir(store, record.id), streams).catch(() => Promise.reject(stopped()));
  stopProxy();
  return outcome.detached ? 0 : (outcome.status.exitCode ?? 0);
}
