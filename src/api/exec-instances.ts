// Exec instances of the Engine API: made by POST /containers/{id}/exec, run by POST /exec/{id}/start, and kept, as
// dockerd keeps them, in the server's memory for inspection (their exit code) until the server ends.
import type { Readable, Writable } from 'node:stream';
import { NotFoundError } from '../errors.ts';
import type { ContainerRecord } from '../runtime/containers/container-store.ts';
import { type ExecOptions, type ExecProcess, isRuntimeEcho, recordExecEvent, startExec, startTerminalExec, type TerminalSize } from '../runtime/containers/exec.ts';
import { randomHex } from '../store/random-id.ts';
import type { Store } from '../store/store.ts';
import { ApiError } from './api-errors.ts';
import { framed, type StdStream } from './stream-frames.ts';

/** ExecConfig as the docker CLI sends it. */
export interface ExecBody {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Cmd?: string[];
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Privileged?: boolean;
  /** `[rows, columns]` (API 1.42+): the terminal's size from the start. */
  ConsoleSize?: [number, number] | null;
}

/** The size a container's own terminal starts with too (monitor.c), when the client sends none. */
const DEFAULT_SIZE: TerminalSize = { rows: 24, columns: 80 };

function consoleSize(body: ExecBody): TerminalSize {
  const [rows, columns] = body.ConsoleSize ?? [];
  return rows && columns ? { rows, columns } : DEFAULT_SIZE;
}

export interface ExecInstance {
  id: string;
  containerId: string;
  body: ExecBody;
  started: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
  /** A TTY exec's terminal size: its first (ConsoleSize, else 24×80) until it starts, then each resize applied. */
  size: TerminalSize;
  resize(size: TerminalSize): void;
}

const instances = new Map<string, ExecInstance>();

export function createExec(store: Store, record: ContainerRecord, body: ExecBody): ExecInstance {
  if (!Array.isArray(body.Cmd) || body.Cmd.length === 0) throw new ApiError(400, 'No exec command specified');
  const instance: ExecInstance = { id: randomHex(32), containerId: record.id, body, started: false, running: false, exitCode: null, pid: 0, size: consoleSize(body), resize: (size: TerminalSize) => void (instance.size = size) };
  instances.set(instance.id, instance);
  recordExecEvent(store, record, 'exec_create', instance.id, body.Cmd);
  return instance;
}

export function getExec(id: string): ExecInstance {
  const instance = instances.get(id);
  if (!instance) throw new NotFoundError(`No such exec instance: ${id}`);
  return instance;
}

/** Docker's ExecInspect. */
export function inspectExec(instance: ExecInstance): Record<string, unknown> {
  const [entrypoint, ...args] = instance.body.Cmd ?? [];
  return {
    ID: instance.id,
    Running: instance.running,
    ExitCode: instance.exitCode,
    ProcessConfig: { tty: instance.body.Tty === true, entrypoint, arguments: args, privileged: instance.body.Privileged === true, user: instance.body.User ?? '' },
    OpenStdin: instance.body.AttachStdin === true,
    OpenStderr: instance.body.AttachStderr === true,
    OpenStdout: instance.body.AttachStdout === true,
    CanRemove: false,
    ContainerID: instance.containerId,
    DetachKeys: '',
    Pid: instance.pid,
  };
}

/** An instance runs once: a second start is refused before anything is sent. */
export function claimExec(instance: ExecInstance): void {
  if (instance.started) throw new ApiError(409, `Error: Exec command ${instance.id} has already run`);
  instance.started = true;
}

/**
 * Runs a claimed instance, its output framed into `output` (raw for a TTY, whose one stream is the terminal's) and its
 * stdin, when attached, read from `input`, until it ends. A runtime failure (the command not found) is written to
 * stdout, as dockerd writes it, and sets exit code 126 or 127.
 */
export async function runExec(store: Store, record: ContainerRecord, instance: ExecInstance, io: { output?: Writable; input?: Readable; detach: boolean }): Promise<void> {
  const { body } = instance;
  const options: ExecOptions = { command: body.Cmd!, env: body.Env ?? [], workdir: body.WorkingDir || undefined, user: body.User || undefined, tty: false, detach: io.detach, execId: instance.id };
  const attachStdin = body.AttachStdin === true && io.input !== undefined;
  const tty = body.Tty === true && !io.detach;
  const { child, finished } = tty ? startTerminal(store, record, instance, options) : startExec(store, record, options, io.detach ? 'ignore' : [attachStdin ? 'pipe' : 'ignore', 'pipe', 'pipe']);
  instance.running = true;
  instance.pid = child.pid ?? 0;
  const send = (stream: StdStream, chunk: Buffer) => io.output?.write(tty ? chunk : framed(stream, chunk));
  if (body.AttachStdout) child.stdout?.on('data', (chunk: Buffer) => send('stdout', chunk));
  else child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    if (body.AttachStderr && !isRuntimeEcho(chunk)) send('stderr', chunk);
  });
  if (attachStdin && child.stdin) {
    // the client half-closes its side when its stdin ends: the process then reads its end of file
    io.input!.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
  } else {
    child.stdin?.end();
  }
  const { exitCode, failure } = await finished;
  if (failure) send('stdout', Buffer.from(`${failure}\r\n`));
  instance.running = false;
  instance.exitCode = io.detach && !failure ? null : exitCode;
}

/** The relayed terminal, its size as the client last asked (the docker CLI sends it once the exec has started). */
function startTerminal(store: Store, record: ContainerRecord, instance: ExecInstance, options: ExecOptions): ExecProcess {
  const started = startTerminalExec(store, record, options, instance.size);
  instance.resize = started.resize;
  return started;
}
