// A container's monitor (its own esbuild entry, dist/monitor.js): runs the OCI runtime in the foreground, owns the container's stdio, writes its logs, records its exits, restarts or removes it.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { constants } from 'node:os';
import { type ContainerUpdate, updateContainer } from '../containers/container-store.ts';
import { MetadataDb } from '../../store/metadata-db.ts';
import { processStartTime } from '../../store/leases.ts';
import { encodeFrame, FRAME, FrameReader, type MonitorStatus, SOCKET_NAME } from './attach-protocol.ts';
import { JsonLogWriter } from './json-log.ts';
import { logFileName, type MonitorPlan, PID_FILE, RUNTIME_LOG, startFailure } from './monitor-plan.ts';
import { TTY_RELAY_SOURCE } from './tty-relay.ts';

const containerDir = process.argv[2];
process.chdir(containerDir);
// the starting CLI sends the plan on stdin when the container is ready to run (the wait overlaps this process's start-up); nothing means it gave up
const sent = readFileSync(0, 'utf8');
if (sent === '') process.exit(0);
const plan = JSON.parse(sent) as MonitorPlan;
const log = new JsonLogWriter({ file: logFileName(plan.containerId), ...plan.log });
const clients = new Set<Socket>();
let status: MonitorStatus = { state: 'created' };
let child: ChildProcess | undefined;
let waitingForClient = plan.waitForAttach;
let restartCount = 0;
let consoleSize = { height: 24, width: 80 };

function record(update: ContainerUpdate): { stopRequested: boolean } {
  const db = new MetadataDb(join(plan.root, 'metadata.db'));
  try {
    return db.transaction(() => {
      const row = db.get('SELECT stop_requested FROM containers WHERE id = ?', plan.containerId);
      updateContainer({ db } as never, plan.containerId, update);
      return { stopRequested: Boolean(row?.stop_requested) };
    });
  } finally {
    db.close();
  }
}

function broadcast(kind: number, payload: Buffer | string): void {
  const frame = encodeFrame(kind, payload);
  for (const client of clients) client.write(frame);
}

function setStatus(next: MonitorStatus): void {
  status = next;
  broadcast(FRAME.status, JSON.stringify(status));
}

function onClient(socket: Socket): void {
  clients.add(socket);
  socket.on('error', () => clients.delete(socket));
  socket.on('close', () => clients.delete(socket));
  socket.write(encodeFrame(FRAME.status, JSON.stringify(status)));
  const reader = new FrameReader((kind, payload) => {
    if (kind === FRAME.stdin) child?.stdin?.write(payload);
    else if (kind === FRAME.stdinClose && plan.stdinOnce) child?.stdin?.end();
    else if (kind === FRAME.resize) resize(JSON.parse(payload.toString()) as { height: number; width: number });
  });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  if (waitingForClient) {
    waitingForClient = false;
    runOnce();
  }
}

function resize(size: { height: number; width: number }): void {
  consoleSize = size;
  const control = child?.stdio[3];
  if (control && 'write' in control) (control as NodeJS.WritableStream).write(`${size.height} ${size.width}\n`);
}

function runtimeCommand(): { program: string; args: string[] } {
  const runtimeArgs = ['--root', plan.stateRoot, '--log', RUNTIME_LOG, '--log-format', 'json', 'run', '--bundle', containerDir, '--pid-file', PID_FILE, plan.containerId];
  // runc allocates the container's terminal itself only when it has one of its own: the relay gives it one
  if (plan.tty) return { program: 'python3', args: ['-c', TTY_RELAY_SOURCE, `${consoleSize.height}`, `${consoleSize.width}`, plan.runtimePath, ...runtimeArgs] };
  return { program: plan.runtimePath, args: runtimeArgs };
}

/** Output is held until the container has started: until then, anything on stderr is the runtime's. */
const output = {
  held: [] as Array<['stdout' | 'stderr', Buffer]> | undefined,
  emit(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    if (this.held) return void this.held.push([stream, chunk]);
    log.write(stream, chunk);
    broadcast(stream === 'stdout' ? FRAME.stdout : FRAME.stderr, chunk);
  },
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const [stream, chunk] of held) this.emit(stream, chunk);
  },
};

/**
 * What releases a run (tens of ms of modules): loaded once the container runs when a client waits for its exit (run
 * without -d), rather than after it; a detached container's monitor stays small (~1.5 MB less) until its exit.
 */
let releasing: Promise<typeof import('../containers/release.ts')> | undefined;
function releaseModule(): Promise<typeof import('../containers/release.ts')> {
  releasing ??= import('../containers/release.ts');
  return releasing;
}

function runOnce(): void {
  output.held = [];
  rmSync(PID_FILE, { force: true });
  rmSync(RUNTIME_LOG, { force: true });
  const { program, args } = runtimeCommand();
  const stdin = plan.openStdin ? 'pipe' : 'ignore';
  child = spawn(program, args, { stdio: plan.tty ? [stdin, 'pipe', 'pipe', 'pipe'] : [stdin, 'pipe', 'pipe'] });
  child.stdin?.on('error', () => {});
  child.stdout?.on('data', (chunk: Buffer) => output.emit('stdout', chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.emit('stderr', chunk));
  const started = watchStart();
  child.on('close', (code, signal) => {
    clearInterval(started.timer);
    const ran = started.seen();
    // what came before a start that failed is the runtime's own complaint, not the container's output
    if (ran) output.release();
    onExit(code ?? 128 + (signal ? constants.signals[signal] : 0), ran);
  });
}

/** The runtime writes the pid file once the container's process runs: that is the moment it started. */
function watchStart(): { timer: NodeJS.Timeout; seen: () => boolean } {
  let seen = false;
  const timer = setInterval(() => {
    if (seen || !existsSync(PID_FILE)) return;
    seen = true;
    if (plan.waitForAttach) void releaseModule().catch(() => {});
    clearInterval(timer);
    const pid = Number(readFileSync(PID_FILE, 'utf8'));
    record({ state: 'running', pid, startedAt: new Date().toISOString(), restartCount, error: null, exitCode: null });
    setStatus({ state: 'running' });
    output.release();
  }, 3);
  return { timer, seen: () => seen || existsSync(PID_FILE) };
}

function runtimeError(): string {
  try {
    const lines = readFileSync(RUNTIME_LOG, 'utf8').trim().split('\n');
    const errors = lines.map((line) => JSON.parse(line) as { level?: string; msg?: string }).filter((entry) => entry.level === 'error');
    return errors.at(-1)?.msg ?? 'the runtime failed';
  } catch {
    return 'the runtime failed';
  }
}

function onExit(exitCode: number, ran: boolean): void {
  log.flush();
  const finishedAt = new Date().toISOString();
  if (!ran) {
    const failure = startFailure(runtimeError());
    record({ state: 'created', exitCode: failure.exitCode, error: failure.error, pid: null, monitorPid: null, finishedAt });
    void finish({ state: 'created', exitCode: failure.exitCode, error: failure.error });
    return;
  }
  const oomKilled = exitCode === 137 && wasOomKilled();
  const { stopRequested } = record({ state: 'exited', exitCode, finishedAt, pid: null, oomKilled });
  if (shouldRestart(exitCode, stopRequested)) {
    restartCount++;
    record({ state: 'restarting', restartCount });
    setStatus({ state: 'restarting', exitCode });
    setTimeout(runOnce, Math.min(100 * 2 ** (restartCount - 1), 60_000));
    return;
  }
  void finish({ state: 'exited', exitCode });
}

function shouldRestart(exitCode: number, stopRequested: boolean): boolean {
  const policy = plan.restartPolicy;
  if (stopRequested || plan.autoRemove) return false;
  if (policy.Name === 'always' || policy.Name === 'unless-stopped') return true;
  if (policy.Name === 'on-failure') return exitCode !== 0 && (policy.MaximumRetryCount === 0 || restartCount < policy.MaximumRetryCount);
  return false;
}

function wasOomKilled(): boolean {
  try {
    return /oom_kill [1-9]/.test(readFileSync(`/sys/fs/cgroup/memory/wharf/${plan.containerId}/memory.oom_control`, 'utf8'));
  } catch {
    return false;
  }
}

/** Releases what the run held (and with --rm the container itself: what others see of it before the clients hear how it ended, the rest after), then leaves. */
async function finish(final: MonitorStatus): Promise<void> {
  log.close();
  let tidy = async () => {};
  try {
    const release = await releaseModule();
    if (plan.autoRemove) tidy = await release.removeAfterExit({ root: plan.root, containerId: plan.containerId });
    else await release.releaseContainer({ root: plan.root, containerId: plan.containerId });
  } catch (error) {
    complain(error);
  }
  if (!plan.autoRemove) record({ monitorPid: null });
  setStatus(final);
  server.close();
  // the clients' last frames and hang-up go out before the tidying's spawns (each a fork of this process) hold the loop up
  await hangUp();
  await tidy().catch(complain);
  setTimeout(() => process.exit(0), 1000).unref();
}

/** Ends every client's connection; resolves once each has flushed its last frames and hung up, or is gone. */
async function hangUp(): Promise<void> {
  await Promise.all([...clients].map((client) => new Promise((resolve) => {
    client.once('finish', resolve);
    client.once('close', resolve);
    client.end();
  })));
}

function complain(error: unknown): void {
  process.stderr.write(`wharf monitor ${plan.containerId}: ${(error as Error).message}\n`);
}

const server = createServer(onClient);
rmSync(SOCKET_NAME, { force: true });
server.listen(SOCKET_NAME, () => {
  record({ monitorPid: process.pid, monitorStarted: processStartTime(process.pid), stopRequested: false });
  // fd 3 is the starting CLI's pipe: a line on it says the socket is listening
  try {
    writeSync(3, 'ready\n');
    closeSync(3);
  } catch {
    // started without one
  }
  if (!waitingForClient) runOnce();
});
process.on('SIGPIPE', () => {});
