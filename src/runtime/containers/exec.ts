// Runs a process in a running container (`runc exec`), for the CLI's `exec` and the Engine API's exec instances alike.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { ConflictError, WharfError } from '../../errors.ts';
import { randomHex } from '../../store/random-id.ts';
import type { Store } from '../../store/store.ts';
import { builtFile } from '../built-file.ts';
import { resolveUser } from '../spec/user.ts';
import { containerDir, type ContainerRecord, recordContainerEvent } from './container-store.ts';
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
  /** The Engine API's exec instance, whose exec_create was logged when it was made; without one, it is made here. */
  execId?: string;
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
  const { plan, spec, user, runtimeLog, global, died } = execContext(store, record, options);
  const args = [
    ...global, 'exec',
    ...(options.tty ? ['--tty'] : []),
    ...(options.detach ? ['--detach'] : []),
    '--cwd', options.workdir ?? spec.process.cwd,
    ...options.env.flatMap((entry) => ['--env', entry]),
    ...(user ? ['--user', `${user.uid}:${user.gid}`, ...user.additionalGids.flatMap((gid) => ['--additional-gids', String(gid)])] : []),
    record.id,
    ...options.command,
  ];
  // detached, the runtime returns once the process runs: its end is not seen
  return watchExec(spawn(plan.runtimePath, args, { stdio }), runtimeLog, options.detach ? undefined : died);
}

export interface TerminalSize {
  rows: number;
  columns: number;
}

/**
 * A process with a terminal for a caller that has none to lend the runtime (the Engine API's `exec -t`): the exec relay
 * (exec-relay.c) takes the terminal runc makes and relays it over the child's stdin and stdout; `resize` sets its size.
 * The process is given to runc whole (`exec -p`), so its terminal has its first size before the command runs.
 */
export function startTerminalExec(store: Store, record: ContainerRecord, options: Omit<ExecOptions, 'tty' | 'detach'>, size: TerminalSize): ExecProcess & { resize(size: TerminalSize): void } {
  const { plan, spec, user, runtimeLog, global, died } = execContext(store, record, options);
  const dir = containerDir(store, record.id);
  const name = `exec-${randomHex(8)}`;
  const env = [...(spec.process.env ?? []), ...options.env];
  const processSpec = {
    ...spec.process,
    terminal: true,
    consoleSize: { height: size.rows, width: size.columns },
    args: options.command,
    // as dockerd does for an exec with a TTY
    env: env.some((entry) => entry.startsWith('TERM=')) ? env : [...env, 'TERM=xterm'],
    cwd: options.workdir ?? spec.process.cwd,
    ...(user ? { user: { ...spec.process.user, uid: user.uid, gid: user.gid, additionalGids: user.additionalGids } } : {}),
  };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(processSpec));
  // relative, in the container's directory: a socket's path must fit in 108 bytes
  const runtime = [plan.runtimePath, ...global, 'exec', '--detach', '--console-socket', `${name}.sock`, '--pid-file', `${name}.pid`, '--process', `${name}.json`, record.id];
  const child = spawn(builtFile('wharf-exec-relay'), [`${name}.sock`, `${name}.pid`, ...runtime], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  child.on('close', () => rmSync(join(dir, `${name}.json`), { force: true }));
  const sizes = child.stdio[3] as Writable;
  sizes.on('error', () => undefined);
  return { ...watchExec(child, runtimeLog, died), resize: ({ rows, columns }) => void sizes.write(`${rows} ${columns}\n`) };
}

interface ProcessSpec {
  cwd: string;
  env?: string[];
  user?: Record<string, unknown>;
}

/** dockerd's `exec_create: PROGRAM ARGS…` and `exec_start: …`, the arguments joined after the program as daemon/exec.go does. */
export function recordExecEvent(store: Store, record: ContainerRecord, action: 'exec_create' | 'exec_start', execId: string, command: string[]): void {
  recordContainerEvent(store, record, `${action}: ${command[0]} ${command.slice(1).join(' ')}`, { execID: execId });
}

/**
 * What both kinds of exec need: the container's runtime plan and spec, the user resolved in its root, the runtime's
 * global flags; the exec's events logged, exec_die by `died` when it ends.
 */
function execContext(store: Store, record: ContainerRecord, options: Pick<ExecOptions, 'user' | 'command' | 'execId'>) {
  if (!isRunning(record)) throw new ConflictError(`Container ${record.id} is not running`);
  const dir = containerDir(store, record.id);
  const plan = readPlan(dir);
  if (!plan) throw new WharfError(`container ${record.id} has no runtime state`);
  const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { root: { path: string }; process: ProcessSpec };
  const user = options.user === undefined ? undefined : resolveUser(spec.root.path, options.user);
  const runtimeLog = join(dir, `exec-${randomHex(8)}.log`);
  const execId = options.execId ?? randomHex(32);
  if (!options.execId) recordExecEvent(store, record, 'exec_create', execId, options.command);
  recordExecEvent(store, record, 'exec_start', execId, options.command);
  const died = (exitCode: number) => recordContainerEvent(store, record, 'exec_die', { execID: execId, exitCode: String(exitCode) });
  return { plan, spec, user, runtimeLog, global: ['--root', plan.stateRoot, '--log', runtimeLog, '--log-format', 'json'], died };
}

function watchExec(child: ChildProcess, runtimeLog: string, died?: (exitCode: number) => void): ExecProcess {
  const finished = new Promise<ExecResult>((resolve) => {
    child.on('close', (exitCode, signal) => {
      const failure = runtimeFailure(runtimeLog);
      rmSync(runtimeLog, { force: true });
      const result = failure
        ? { exitCode: /executable file not found|no such file or directory/.test(failure) ? 127 : 126, failure: `OCI runtime exec failed: ${failure}: unknown` }
        : { exitCode: exitCode ?? 128 + (signal ? 9 : 0) };
      died?.(result.exitCode);
      resolve(result);
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
