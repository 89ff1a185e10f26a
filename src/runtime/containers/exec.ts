// Runs a process in a running container (`runc exec`), for the CLI's `exec` and the Engine API's exec instances alike.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, WharfError } from '../../errors.ts';
import { randomHex } from '../../store/random-id.ts';
import type { Store } from '../../store/store.ts';
import { resolveUser } from '../spec/user.ts';
import { containerDir, type ContainerRecord } from './container-store.ts';
import { readPlan } from './release.ts';
import { isRunning } from './signal.ts';

export interface ExecOptions {
  command: string[];
  /** `K=V` entries, added to the container's. */
  env: string[];
  workdir?: string;
  /** As `-u`: a name or uid, with an optional group. */
  user?: string;
  tty: boolean;
  detach: boolean;
}

export interface ExecResult {
  exitCode: number;
  /** The runtime's own failure (the command not found, say), as Docker words it; the exit code is then 126 or 127. */
  failure?: string;
}

export interface ExecProcess {
  child: ChildProcess;
  /** Settles when the process (or, detached, the runtime) has ended. */
  finished: Promise<ExecResult>;
}

/** Starts the process with the given stdio; the runtime's failure, if any, comes back in `finished`, not on stderr. */
export function startExec(store: Store, record: ContainerRecord, options: ExecOptions, stdio: StdioOptions): ExecProcess {
  if (!isRunning(record)) throw new ConflictError(`Container ${record.id} is not running`);
  const dir = containerDir(store, record.id);
  const plan = readPlan(dir);
  if (!plan) throw new WharfError(`container ${record.id} has no runtime state`);
  const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { root: { path: string }; process: { cwd: string } };
  const user = options.user === undefined ? undefined : resolveUser(spec.root.path, options.user);
  const runtimeLog = join(dir, `exec-${randomHex(8)}.log`);
  const args = [
    '--root', plan.stateRoot, '--log', runtimeLog, '--log-format', 'json', 'exec',
    ...(options.tty ? ['--tty'] : []),
    ...(options.detach ? ['--detach'] : []),
    '--cwd', options.workdir ?? spec.process.cwd,
    ...options.env.flatMap((entry) => ['--env', entry]),
    ...(user ? ['--user', `${user.uid}:${user.gid}`, ...user.additionalGids.flatMap((gid) => ['--additional-gids', String(gid)])] : []),
    record.id,
    ...options.command,
  ];
  const child = spawn(plan.runtimePath, args, { stdio });
  const finished = new Promise<ExecResult>((resolve) => {
    child.on('close', (exitCode, signal) => {
      const failure = runtimeFailure(runtimeLog);
      rmSync(runtimeLog, { force: true });
      if (failure) resolve({ exitCode: /executable file not found|no such file or directory/.test(failure) ? 127 : 126, failure: `OCI runtime exec failed: ${failure}: unknown` });
      else resolve({ exitCode: exitCode ?? 128 + (signal ? 9 : 0) });
    });
  });
  return { child, finished };
}

/** The runtime repeats its own failure on stderr (runc 1.1 as `exec failed: …`): that copy is not the process's output. */
export function isRuntimeEcho(chunk: Buffer): boolean {
  return /^(?:(?:runc|crun) )?exec failed: /.test(chunk.toString());
}

function runtimeFailure(file: string): string | undefined {
  try {
    const errors = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: string; msg: string }).filter((entry) => entry.level === 'error');
    return errors.at(-1)?.msg.replace(/^runc exec failed: /, 'exec failed: ');
  } catch {
    return undefined;
  }
}
