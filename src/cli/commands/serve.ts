// `wharf serve`: Docker's Engine API on a unix socket until SIGTERM/SIGINT, for the docker CLI and Docker's SDKs.
import { startEngineApi } from '../../api/engine-server.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

/** Where dockerd listens is /var/run/docker.sock; wharf's sits beside it, so both can run on one host. */
const DEFAULT_HOST = 'unix:///var/run/wharf.sock';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { host: { type: 'string', short: 'H' } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const socket = socketPath((values.host as string | undefined) ?? DEFAULT_HOST);
  const api = await startEngineApi(socket, await context.store(), context.dataRoot);
  context.err(`API listen on ${api.socket}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await api.close();
  return 0;
}

function socketPath(host: string): string {
  if (!host.startsWith('unix://') || host.length === 'unix://'.length) throw new InvalidArgumentError(`invalid host ${JSON.stringify(host)}: only unix:///path sockets are served`, { fromDaemon: false });
  return host.slice('unix://'.length);
}
