// The monitor's attach socket: frames of [kind, 4-byte big-endian length, payload] both ways, and where the socket lives.
import { openSync } from 'node:fs';

export const FRAME = {
  /** monitor → client */
  stdout: 1,
  stderr: 2,
  /** monitor → client: JSON MonitorStatus, on connect and on every change */
  status: 3,
  /** monitor → the client that claimed the exit: JSON ContainerExit, once the container has ended for good */
  exit: 4,
  /** client → monitor */
  stdin: 10,
  stdinClose: 11,
  /** client → monitor: JSON { height, width } */
  resize: 12,
  /** client → monitor: this client handles the container's exit (exit-handling.ts), so no exit helper need start */
  claimExit: 13,
  /** client → monitor, after an exit frame: JSON MonitorStatus, the final one, for every client */
  exitHandled: 14,
} as const;

/** How a run ended: the container's exit code, or (ran false) the runtime's, whose start failed. */
export interface ContainerExit {
  exitCode: number;
  ran: boolean;
}

export interface MonitorStatus {
  state: 'created' | 'running' | 'restarting' | 'exited' | 'removed';
  exitCode?: number;
  /** Why the container could not start (the runtime's message). */
  error?: string;
}

export const SOCKET_NAME = 'attach.sock';

/**
 * A path to the socket short enough for sun_path (108 bytes), however deep the data root is: the container
 * directory opened as a descriptor and reached through /proc/self/fd. The descriptor stays open for the process's life.
 */
export function socketPath(containerDir: string): string {
  const fd = openSync(containerDir, 'r');
  return `/proc/self/fd/${fd}/${SOCKET_NAME}`;
}

export function encodeFrame(kind: number, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(5);
  header[0] = kind;
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Splits a byte stream into frames, keeping a partial one for the next chunk. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly onFrame: (kind: number, payload: Buffer) => void;

  constructor(onFrame: (kind: number, payload: Buffer) => void) {
    this.onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) return;
      const kind = this.pending[0];
      const payload = this.pending.subarray(5, 5 + length);
      this.pending = this.pending.subarray(5 + length);
      this.onFrame(kind, payload);
    }
  }
}
