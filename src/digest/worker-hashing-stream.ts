// A HashingStream whose hashing runs on a worker thread: for big blobs, the second core hashes while
// this thread parses, scans and writes. Bytes reach the worker through one fixed shared ring, so memory
// stays flat however big the blob; the digest is ready when the stream has flushed, as with HashingStream.
import { Transform, type TransformCallback } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { Digest } from './digest.ts';
import { HashingStream } from './hashing-stream.ts';
import { noteStreamedBytes } from '../streams/scavenge.ts';

/** The ring's size: also the most bytes handed over and not yet hashed. */
const RING_BYTES = 8 << 20;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const ring = new Uint8Array(workerData);
const jobs = new Map();
parentPort.on('message', ([id, kind, a, b]) => {
  if (kind === 'start') jobs.set(id, createHash(a));
  else if (kind === 'data') { jobs.get(id).update(ring.subarray(a, a + b)); parentPort.postMessage([id, 'ack', b]); }
  else { parentPort.postMessage([id, 'digest', jobs.get(id).digest('hex')]); jobs.delete(id); }
});`;

type Listener = (kind: 'ack' | 'digest' | 'error', value: number | string | Error) => void;

/** The one worker of this process, its ring, and where the next bytes go. */
interface HashPool {
  worker: Worker;
  ring: Uint8Array;
  /** Where the next piece is copied; the worker frees the ring first in, first out. */
  head: number;
  /** Bytes copied in and not yet acknowledged, counting the tail skipped when a piece wraps. */
  used: number;
  listeners: Map<number, Listener>;
  /** Jobs waiting for room in the ring; any acknowledgement may make it. */
  waiting: Set<() => void>;
  nextId: number;
}

let shared: HashPool | undefined;

/** Started on first use; it keeps the process alive only while a job is open. */
function hashPool(): HashPool {
  if (shared) return shared;
  const memory = new SharedArrayBuffer(RING_BYTES);
  // Fetched here, not imported: loading worker_threads would cost every command start-up time, hashing or not.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: memory });
  const pool: HashPool = { worker, ring: new Uint8Array(memory), head: 0, used: 0, listeners: new Map(), waiting: new Set(), nextId: 0 };
  worker.on('message', ([id, kind, value]: [number, 'ack' | 'digest', number | string]) => pool.listeners.get(id)?.(kind, value));
  worker.on('error', (error: Error) => {
    for (const listener of pool.listeners.values()) listener('error', error);
    shared = undefined;
  });
  worker.unref();
  return (shared = pool);
}

/** Copies `bytes` into the ring; undefined when it has no room for them yet. */
function copyIn(pool: HashPool, bytes: Uint8Array): { offset: number; charged: number } | undefined {
  const wraps = pool.head + bytes.length > RING_BYTES;
  const skipped = wraps ? RING_BYTES - pool.head : 0;
  if (pool.used + skipped + bytes.length > RING_BYTES) return undefined;
  const offset = wraps ? 0 : pool.head;
  pool.ring.set(bytes, offset);
  pool.head = offset + bytes.length;
  pool.used += skipped + bytes.length;
  return { offset, charged: skipped + bytes.length };
}

export class WorkerHashingStream extends Transform {
  private readonly algorithm: string;
  private readonly id: number;
  /** Ring bytes each unacknowledged piece holds, in the order the worker acknowledges them. */
  private readonly charges: number[] = [];
  private retry: (() => void) | undefined;
  private finished: ((digest: string) => void) | undefined;
  private hex: string | undefined;
  /** The worker was told the job is over: it answers with the digest, its last message for the job. */
  private ended = false;
  size = 0;

  constructor(algorithm = 'sha256') {
    super();
    this.algorithm = algorithm;
    const pool = hashPool();
    this.id = pool.nextId++;
    pool.listeners.set(this.id, (kind, value) => this.onWorker(kind, value));
    if (pool.listeners.size === 1) pool.worker.ref();
    pool.worker.postMessage([this.id, 'start', algorithm]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    noteStreamedBytes(chunk.length);
    this.send(chunk, chunk, done);
  }

  override _flush(done: TransformCallback): void {
    this.finished = (hex) => {
      this.hex = hex;
      done();
    };
    this.endJob();
  }

  /**
   * An abandoned job still holds a hash in the worker, and ring bytes the worker has yet to read: ending it frees
   * the hash, and the job keeps listening until the worker's last reply, so that the acknowledgements still in
   * flight give the ring its room back (the worker answers in order, the end last).
   */
  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    if (this.retry) shared?.waiting.delete(this.retry);
    this.finished = undefined;
    this.endJob();
    done(error);
  }

  private endJob(): void {
    if (this.ended) return;
    this.ended = true;
    // a worker that died took the job with it
    if (shared?.listeners.has(this.id)) shared.worker.postMessage([this.id, 'end']);
  }

  /** Call once, after the stream has ended. */
  digest(): Digest {
    if (this.hex === undefined) throw new Error('digest() called before the stream ended');
    return `${this.algorithm}:${this.hex}`;
  }

  /** Hands `rest` to the worker piece by piece as the ring has room, then passes the chunk on. */
  private send(rest: Buffer, chunk: Buffer, done: TransformCallback): void {
    const pool = hashPool();
    while (rest.length > 0) {
      const piece = rest.subarray(0, RING_BYTES / 4);
      const placed = copyIn(pool, piece);
      if (!placed) {
        this.retry = () => {
          pool.waiting.delete(this.retry!);
          this.retry = undefined;
          this.send(rest, chunk, done);
        };
        pool.waiting.add(this.retry);
        return;
      }
      this.charges.push(placed.charged);
      pool.worker.postMessage([this.id, 'data', placed.offset, piece.length]);
      rest = rest.subarray(piece.length);
    }
    done(null, chunk);
  }

  private onWorker(kind: 'ack' | 'digest' | 'error', value: number | string | Error): void {
    if (kind === 'error') {
      this.release();
      this.destroy(value as Error);
    } else if (kind === 'ack') {
      const pool = hashPool();
      pool.used -= this.charges.shift() ?? 0;
      for (const retry of [...pool.waiting]) retry();
    } else {
      this.release();
      this.finished?.(value as string);
    }
  }

  /** Stops listening to the worker. */
  private release(): void {
    const pool = shared;
    if (pool?.listeners.delete(this.id) && pool.listeners.size === 0) pool.worker.unref();
  }
}

/** Blobs at least this big are hashed on the worker: below it, handing the bytes over costs more than it frees. */
const WORKER_HASH_MIN_BYTES = 16 << 20;

/** A hashing stream for a blob of about `sizeHint` bytes: on the worker when it is big, on this thread otherwise. */
export function hashingStreamFor(algorithm: string, sizeHint = 0): HashingStream | WorkerHashingStream {
  return sizeHint >= WORKER_HASH_MIN_BYTES ? new WorkerHashingStream(algorithm) : new HashingStream(algorithm);
}
