// `wharf exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]`: `runc exec` in the foreground, wharf's own stdio handed to the process.
import { WharfError } from '../../errors.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { isRuntimeEcho, startExec } from '../../runtime/containers/exec.ts';
import type { CliContext } from '../context.ts';
import { stringList } from '../flags.ts';
import { parseContainerFlags } from './container-flags.ts';

const EXEC_FLAGS = {
  interactive: { type: 'boolean', short: 'i' },
  tty: { type: 'boolean', short: 't' },
  detach: { type: 'boolean', short: 'd' },
  env: { type: 'string', short: 'e', multiple: true },
  'env-file': { type: 'string', multiple: true },
  workdir: { type: 'string', short: 'w' },
  user: { type: 'string', short: 'u' },
  privileged: { type: 'boolean' },
  'detach-keys': { type: 'string' },
} as const;

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const parsed = parseContainerFlags(args, EXEC_FLAGS, path);
  const { values } = parsed;
  if (parsed.command.length === 0) throw new WharfError(`"wharf ${path}" requires at least 2 arguments.`, { exitCode: 125, fromDaemon: false });
  const tty = values.tty === true && !values.detach;
  if (tty && values.interactive && !context.stdin.isTTY) throw new WharfError('the input device is not a TTY', { fromDaemon: false });
  const store = await context.store();
  const record = resolveContainer(store, parsed.image);
  const env = [...stringList(values.env)].map((entry) => (entry.includes('=') ? entry : `${entry}=${context.env[entry] ?? ''}`));
  const options = { command: parsed.command, env, workdir: values.workdir as string | undefined, user: values.user as string | undefined, tty, detach: values.detach === true };
  const stdin = values.interactive ? 'inherit' : 'ignore';
  const { child, finished } = startExec(store, record, options, options.detach ? 'ignore' : [stdin, 'inherit', 'pipe']);
  child.stderr?.on('data', (chunk: Buffer) => {
    if (!isRuntimeEcho(chunk)) context.stderr.write(chunk);
  });
  const { exitCode, failure } = await finished;
  if (failure) context.err(`${failure}\n`);
  return exitCode;
}
