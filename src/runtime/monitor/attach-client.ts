// The CLI's side of a monitor's attach socket: streams a container's output, feeds it stdin, resizes its terminal, detaches on Ctrl+P Ctrl+Q, and handles the exit it claimed.
import { connect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { readPlan } from '../containers/release.ts';
import { type ContainerExit, encodeFrame, FRAME, FrameReader, type MonitorStatus, socketPath } from './attach-protocol.ts';
import { handleExit } from './exit-handling.ts';

export interface AttachStreams {
  stdin?: Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout?: Writable & { columns?: number; rows?: number };
  stderr?: Writable;
  tty: boolean;
}

export interface AttachOutcome {
  status: MonitorStatus;
  detached: boolean;
}

const CTRL_P = 0x10;
const CTRL_Q = 0x11;

function open(containerDir: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath(containerDir));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when the container has started or failed to: the first status other than `created` without an exit. */
export function waitForStart(containerDir: string): Promise<MonitorStatus> {
  return followStatus(containerDir, (status) => status.state !== 'created' || status.exitCode !== undefined);
}

/** Resolves with the run's exit, as the monitor tells it before an --rm container's record is gone. */
export function waitForExitStatus(containerDir: string): Promise<MonitorStatus> {
  return followStatus(containerDir, (status) => status.exitCode !== undefined);
}

/** The monitor's status frames until one is `enough`, or the last before it closed the socket. */
async function followStatus(containerDir: string, enough: (status: MonitorStatus) => boolean): Promise<MonitorStatus> {
  const socket = await open(containerDir);
  return new Promise((resolve) => {
    let last: MonitorStatus = { state: 'exited' };
    const done = (status: MonitorStatus) => (socket.destroy(), resolve(status));
    const reader = new FrameReader((kind, payload) => {
      if (kind !== FRAME.status) return;
      last = JSON.parse(payload.toString()) as MonitorStatus;
      if (enough(last)) done(last);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('close', () => resolve(last));
    socket.on('error', () => resolve(last));
  });
}

/**
 * attachContainer, and this process handles the container's exit (releases or removes it) in place of the monitor's
 * exit helper: a Node process fewer, started while the runtime starts the container, and an --rm container is gone
 * when this returns, as with Docker. Should this process detach or die first, the helper takes over.
 */
export async function attachUntilExit(containerDir: string, streams: AttachStreams, complain: (error: unknown) => void): Promise<AttachOutcome> {
  const plan = readPlan(containerDir);
  if (!plan) return attachContainer(containerDir, streams);
  let tidy = async () => {};
  const outcome = await attachContainer(containerDir, streams, async (exit) => {
    const handled = await handleExit(plan, containerDir, exit, complain);
    tidy = handled.tidy;
    return handled.final;
  });
  await tidy().catch(complain);
  return outcome;
}

/** Streams until the monitor closes the socket (the container ended) or the user detaches; `onExit` claims the exit. */
export async function attachContainer(containerDir: string, streams: AttachStreams, onExit?: (exit: ContainerExit) => Promise<MonitorStatus>): Promise<AttachOutcome> {
  const socket = await open(containerDir);
  if (onExit) socket.write(encodeFrame(FRAME.claimExit, ''));
  let status: MonitorStatus = { state: 'created' };
  let detached = false;
  const answerExit = (exit: ContainerExit) => {
    // failing, the socket goes: the monitor then hands the exit to its helper
    onExit!(exit).then((final) => socket.destroyed || socket.write(encodeFrame(FRAME.exitHandled, JSON.stringify(final))), () => socket.destroy());
  };
  const reader = new FrameReader((kind, payload) => {
    if (kind === FRAME.stdout) streams.stdout?.write(payload);
    else if (kind === FRAME.stderr) (streams.tty ? streams.stdout : streams.stderr)?.write(payload);
    else if (kind === FRAME.status) status = JSON.parse(payload.toString()) as MonitorStatus;
    else if (kind === FRAME.exit && onExit) answerExit(JSON.parse(payload.toString()) as ContainerExit);
  });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  const restore = feedStdin(socket, streams, () => {
    detached = true;
    socket.destroy();
  });
  const stopResizing = streams.tty ? forwardResizes(socket, streams.stdout) : () => {};
  await new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  restore();
  stopResizing();
  return { status, detached };
}

function feedStdin(socket: Socket, streams: AttachStreams, detach: () => void): () => void {
  const stdin = streams.stdin;
  if (!stdin) return () => {};
  const raw = streams.tty && stdin.isTTY === true;
  if (raw) stdin.setRawMode?.(true);
  let sawCtrlP = false;
  const onData = (chunk: Buffer) => {
    if (raw) {
      for (const byte of chunk) {
        if (sawCtrlP && byte === CTRL_Q) return detach();
        sawCtrlP = byte === CTRL_P;
      }
    }
    if (!socket.destroyed) socket.write(encodeFrame(FRAME.stdin, chunk));
  };
  const onEnd = () => socket.destroyed || socket.write(encodeFrame(FRAME.stdinClose, ''));
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    if (raw) stdin.setRawMode?.(false);
    stdin.pause();
    (stdin as { unref?(): void }).unref?.();
  };
}

/** Sets a TTY container's terminal size (`docker run -t`'s resize call), through its monitor. */
export async function resizeTerminal(containerDir: string, size: TerminalSize): Promise<void> {
  const socket = await open(containerDir);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.end(resizeFrame(size), resolve));
}

interface TerminalSize {
  height: number;
  width: number;
}

function resizeFrame(size: TerminalSize): Buffer {
  return encodeFrame(FRAME.resize, JSON.stringify(size));
}

function forwardResizes(socket: Socket, stdout: AttachStreams['stdout']): () => void {
  if (!stdout?.columns || !stdout.rows) return () => {};
  const send = () => socket.destroyed || socket.write(resizeFrame({ height: stdout.rows!, width: stdout.columns! }));
  send();
  process.on('SIGWINCH', send);
  return () => process.off('SIGWINCH', send);
}
