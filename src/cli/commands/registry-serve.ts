// `wharf registry serve`: runs the OCI Distribution registry until SIGTERM/SIGINT, then finishes in-flight requests.
import { join } from 'node:path';
import { loadServeConfig } from '../../registry/server/config.ts';
import { execWithServerFlags } from '../../registry/server/server-process.ts';
import { startRegistry } from '../../registry/server/start.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

const FLAGS = {
  config: { type: 'string' },
  addr: { type: 'string' },
  root: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  htpasswd: { type: 'string' },
  'token-realm': { type: 'string' },
  'token-service': { type: 'string' },
  'token-key': { type: 'string' },
  'access-file': { type: 'string' },
  'read-only': { type: 'boolean' },
  delete: { type: 'boolean' },
  'access-log': { type: 'boolean' },
} as const;

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  execWithServerFlags();
  const text = (name: keyof typeof FLAGS) => values[name] as string | undefined;
  const flag = (name: keyof typeof FLAGS) => values[name] as boolean | undefined;
  const config = await loadServeConfig(text('config'), {
    addr: text('addr'), root: text('root'), tlsCert: text('tls-cert'), tlsKey: text('tls-key'), htpasswd: text('htpasswd'),
    tokenRealm: text('token-realm'), tokenService: text('token-service'), tokenKey: text('token-key'), accessFile: text('access-file'),
    readOnly: flag('read-only'), delete: flag('delete'), accessLog: flag('access-log'),
  }, join(context.dataRoot, 'registry'));
  const running = await startRegistry(config, { out: context.out, err: context.err });
  context.err(`wharf registry listening on ${running.address} (${config.tls ? 'https' : 'http'}), root ${config.root}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      context.err('shutting down: finishing in-flight requests\n');
      void running.shutdown().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
