// POST /containers/{id}/attach over a hijacked connection (`Upgrade: tcp`), as `docker run` without -d uses it: the
// attach arrives before the start, so it waits here, and the start then runs the container with it attached; with
// `stdin=1` the connection carries the container's stdin too (`docker run -i`).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import type { Store } from '../store/store.ts';
import { containerDir, recordContainerEvent, resolveContainer } from '../runtime/containers/container-store.ts';
import { isRunning } from '../runtime/containers/signal.ts';
import { attachContainer, type AttachStreams } from '../runtime/monitor/attach-client.ts';
import { refuseUpgrade } from './api-errors.ts';
import { queryFlag } from './api-query.ts';
import { framed, type StdStream } from './stream-frames.ts';

/** Attaches waiting for their container's start, by container ID. */
const waiting = new Map<string, AttachStreams & { socket: Duplex }>();

const ATTACH_PATH = /^\/containers\/([^/]+)\/attach$/;

/** Takes an upgrade request that is an attach (`path` without its version); false for any other. */
export function takeAttach(path: string, request: IncomingMessage, socket: Duplex, head: Buffer, store: Store): boolean {
  const url = new URL(request.url ?? '/', 'http://wharf');
  const match = ATTACH_PATH.exec(path);
  if (!match || request.method !== 'POST') return false;
  let record;
  try {
    record = resolveContainer(store, decodeURIComponent(match[1]));
  } catch (error) {
    refuseUpgrade(socket, error);
    return true;
  }
  const tty = record.settings.config.Tty === true;
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.${tty ? 'raw' : 'multiplexed'}-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  if (head.length) socket.unshift(head);
  const streams = {
    socket,
    tty,
    // the client half-closes its side when its stdin ends; the monitor then closes the container's
    stdin: queryFlag(url.searchParams, 'stdin') ? socket : undefined,
    stdout: queryFlag(url.searchParams, 'stdout') ? streamWriter(socket, 'stdout', tty) : undefined,
    stderr: queryFlag(url.searchParams, 'stderr') ? streamWriter(socket, 'stderr', tty) : undefined,
  };
  recordContainerEvent(store, record, 'attach');
  if (isRunning(record)) void streamUntilExit(containerDir(store, record.id), streams);
  else waiting.set(record.id, streams);
  socket.on('close', () => waiting.delete(record.id));
  return true;
}

/** The attach waiting for this container, if any; the start connects it once the monitor is up. */
export function waitingAttach(id: string): (AttachStreams & { socket: Duplex }) | undefined {
  const streams = waiting.get(id);
  waiting.delete(id);
  return streams;
}

export async function streamUntilExit(dir: string, streams: AttachStreams & { socket: Duplex }): Promise<void> {
  try {
    await attachContainer(dir, streams);
  } finally {
    streams.socket.end();
  }
}

/** The output of one stream, framed (see stream-frames.ts), or the bytes as they are for a TTY. */
function streamWriter(socket: Duplex, stream: StdStream, tty: boolean): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      socket.write(tty ? chunk : framed(stream, chunk), () => done());
    },
  });
}
