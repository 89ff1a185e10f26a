// The CLI's side of a monitor's attach socket: streams a container's output, feeds it stdin, resizes its terminal, detaches on Ctrl+P Ctrl+Q.
import { connect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { encodeFrame, FRAME, FrameReader, type MonitorStatus, socketPath } from './attach-protocol.ts';

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
export async function waitForStart(containerDir: string): Promise<MonitorStatus> {
  const socket = await open(containerDir);
  return new Promise((resolve) => {
    let last: MonitorStatus = { state: 'exited' };
    const done = (status: MonitorStatus) => (socket.destroy(), resolve(status));
    const reader = new FrameReader((kind, payload) => {
      if (kind !== FRAME.status) return;
      last = JSON.parse(payload.toString()) as MonitorStatus;
      if (last.state !== 'created' || last.exitCode !== undefined) done(last);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('close', () => resolve(last));
    socket.on('error', () => resolve(last));
  });
}

/** Streams until the monitor closes the socket (the container ended) or the user detaches. */
export async function attachContainer(containerDir: string, streams: AttachStreams): Promise<AttachOutcome> {
  const socket = await open(containerDir);
  let status: MonitorStatus = { state: 'created' };
  let detached = false;
  const reader = new FrameReader((kind, payload) => {
    if (kind === FRAME.stdout) streams.stdout?.write(payload);
    else if (kind === FRAME.stderr) (streams.tty ? streams.stdout : streams.stderr)?.write(payload);
    else if (kind === FRAME.status) status = JSON.parse(payload.toString()) as MonitorStatus;
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

function forwardResizes(socket: Socket, stdout: AttachStreams['stdout']): () => void {
  if (!stdout?.columns || !stdout.rows) return () => {};
  const send = () => socket.destroyed || socket.write(encodeFrame(FRAME.resize, JSON.stringify({ height: stdout.rows, width: stdout.columns })));
  send();
  process.on('SIGWINCH', send);
  return () => process.off('SIGWINCH', send);
}
