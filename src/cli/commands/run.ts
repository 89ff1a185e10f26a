// `wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]`: create, start, and (without -d) attach until the container exits with its own code.
import { errorLine, NotFoundError, WharfError } from '../../errors.ts';
import { createContainer } from '../../runtime/containers/create.ts';
import { containerDir, getContainer, type ContainerRecord } from '../../runtime/containers/container-store.ts';
import { startContainer } from '../../runtime/containers/start.ts';
import { attachUntilExit, waitForStart } from '../../runtime/monitor/attach-client.ts';
import type { MonitorStatus } from '../../runtime/monitor/attach-protocol.ts';
import type { Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { createOptionsOf, parseContainerFlags, RUN_FLAGS } from './container-flags.ts';
import { proxySignals } from './signal-proxy.ts';

/** When run() resolves the monitor is on its own (detached, its pipes closed) and the attach socket is closed. */
export const endsWhenDone = true;

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const parsed = parseContainerFlags(args, RUN_FLAGS, path);
  const detach = parsed.values.detach === true;
  const options = createOptionsOf(parsed, { detach });
  const store = await context.store();
  try {
    const created = await createWithPull(context, store, options);
    const record = getContainer(store, created.id) as ContainerRecord;
    const dir = containerDir(store, created.id);
    const consoleSize = context.stdout.isTTY ? { height: (context.stdout as { rows?: number }).rows ?? 24, width: (context.stdout as { columns?: number }).columns ?? 80 } : undefined;
    await startContainer(store, record, { waitForAttach: !detach, consoleSize });
    if (detach) {
      const status = await waitForStart(dir);
      if (status.error) return failed(context, status, path);
      context.out(`${created.id}\n`);
      return 0;
    }
    const stopProxy = parsed.values['sig-proxy'] === false || options.tty ? () => {} : proxySignals(store, record);
    const outcome = await attachUntilExit(dir, { stdin: options.interactive ? context.stdin : undefined, stdout: context.stdout, stderr: context.stderr, tty: options.tty }, (error) => context.err(`wharf: ${errorLine(error)}\n`));
    stopProxy();
    if (outcome.detached) return 0;
    if (outcome.status.error) return failed(context, outcome.status, path);
    return outcome.status.exitCode ?? 0;
  } catch (error) {
    if (!(error instanceof WharfError) || error.fromDaemon === false) throw error;
    context.err(`wharf: ${errorLine(error)}\n\nRun 'wharf ${path} --help' for more information\n`);
    return error.exitCode === 1 ? 125 : error.exitCode;
  }
}

async function createWithPull(context: CliContext, store: Store, options: Parameters<typeof createContainer>[1]) {
  try {
    return await createContainer(store, options, context.env);
  } catch (error) {
    if (!(error instanceof NotFoundError) || !error.message.startsWith('No such image')) throw error;
  }
  const reference = options.image.includes(':') || options.image.includes('@') ? options.image : `${options.image}:latest`;
  context.err(`Unable to find image '${reference}' locally\n`);
  const pull = await import('./pull.ts');
  // the pull's progress goes to stderr, as docker run prints it
  const quiet = Object.create(context, { out: { value: context.err } }) as CliContext;
  const code = await pull.run(quiet, [options.image], 'pull');
  if (code) throw new WharfError(`pull of ${options.image} failed`, { exitCode: 125 });
  return createContainer(store, options, context.env);
}

function failed(context: CliContext, status: MonitorStatus, path: string): number {
  context.err(`wharf: Error response from daemon: ${status.error}\n\nRun 'wharf ${path} --help' for more information\n`);
  return status.exitCode ?? 125;
}
