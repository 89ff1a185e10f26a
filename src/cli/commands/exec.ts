// `wharf exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]`: `runc exec` in the foreground, wharf's own stdio handed to the process.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, WharfError } from '../../errors.ts';
import { containerDir, resolveContainer } from '../../runtime/containers/container-store.ts';
import { readPlan } from '../../runtime/containers/release.ts';
import { isRunning } from '../../runtime/containers/signal.ts';
import { resolveUser } from '../../runtime/spec/user.ts';
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
  if (!isRunning(record)) throw new ConflictError(`Container ${record.id} is not running`);
  const dir = containerDir(store, record.id);
  const plan = readPlan(dir);
  const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { root: { path: string }; process: { env: string[]; cwd: string; user: { uid: number; gid: number } } };
  if (!plan) throw new WharfError(`container ${record.id} has no runtime state`);
  const user = values.user === undefined ? undefined : resolveUser(spec.root.path, values.user as string);
  const runtimeLog = join(dir, `exec-${process.pid}.log`);
  const execArgs = [
    '--root', plan.stateRoot, '--log', runtimeLog, '--log-format', 'json', 'exec',
    ...(tty ? ['--tty'] : []),
    ...(values.detach ? ['--detach'] : []),
    '--cwd', (values.workdir as string | undefined) ?? spec.process.cwd,
    ...[...stringList(values.env)].flatMap((entry) => ['--env', entry.includes('=') ? entry : `${entry}=${context.env[entry] ?? ''}`]),
    ...(user ? ['--user', `${user.uid}:${user.gid}`, ...user.additionalGids.flatMap((gid) => ['--additional-gids', String(gid)])] : []),
    record.id,
    ...parsed.command,
  ];
  const stdin = values.interactive ? 'inherit' : 'ignore';
  const detached = values.detach === true;
  const child = spawn(plan.runtimePath, execArgs, { stdio: detached ? 'ignore' : [stdin, 'inherit', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => {
    // the runtime repeats its own failure on stderr; that is reported below, Docker's way
    if (!/^(runc|crun) exec failed:/.test(chunk.toString())) context.stderr.write(chunk);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (exitCode, signal) => resolve(exitCode ?? 128 + (signal ? 9 : 0))));
  const failure = runtimeFailure(runtimeLog);
  rmSync(runtimeLog, { force: true });
  if (failure) {
    context.err(`OCI runtime exec failed: ${failure}: unknown\n`);
    return /executable file not found|no such file or directory/.test(failure) ? 127 : 126;
  }
  return code;
}

function runtimeFailure(file: string): string | undefined {
  try {
    const errors = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: string; msg: string }).filter((entry) => entry.level === 'error');
    return errors.at(-1)?.msg.replace(/^runc exec failed: /, 'exec failed: ');
  } catch {
    return undefined;
  }
}
