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
/**
 * Bytes handed to the worker per message. Each message wakes the worker and its acknowledgement wakes this thread;
 * on this VM a wake-up costs more than hashing 64 KiB, the size a socket delivers.
 */
const POST_BYTES = 1 << 20;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const ring = new Uint8Array(workerData);
const jobs = new Map();
parentPort.on('message', ([id, kind, a, b]) => {
  if (kind === 'start') jobs.set(id, createHash(a));
  else if (kind === 'batch') {
    for (let i = 0; i < a.length; i += 3) jobs.get(a[i]).update(ring.subarray(a[i + 1], a[i + 1] + a[i + 2]));
    parentPort.postMessage([id, 'ack', b]);
  } else { parentPort.postMessage([id, 'digest', jobs.get(id).digest('hex')]); jobs.delete(id); }
});`;

type Listener = (kind: 'ack' | 'digest' | 'error', value: number | string | Error) => void;

/** The pool's own listener id, for the acknowledgements of batches (jobs count from 0). */
const POOL_ID = -1;

/** The one worker of this process, its ring, and the bytes copied in and not yet handed over. */
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
  /**
   * Pieces copied in and not yet handed over, as [job, offset, length, …] in the order they were copied, with the ring
   * bytes they take: handed over in that order, so the worker frees the ring first in, first out.
   */
  batch: number[];
  batchBytes: number;
  batchCharge: number;
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
  const pool: HashPool = { worker, ring: new Uint8Array(memory), head: 0, used: 0, listeners: new Map(), waiting: new Set(), batch: [], batchBytes: 0, batchCharge: 0, nextId: 0 };
  pool.listeners.set(POOL_ID, (kind, value) => {
    if (kind !== 'ack') return;
    pool.used -= value as number;
    for (const retry of [...pool.waiting]) retry();
  });
  worker.on('message', ([id, kind, value]: [number, 'ack' | 'digest', number | string]) => pool.listeners.get(id)?.(kind, value));
  worker.on('error', (error: Error) => {
    for (const listener of pool.listeners.values()) listener('error', error);
    shared = undefined;
  });
  worker.unref();
  return (shared = pool);
}

/** Copies `bytes` into the ring for job `id`, to be handed over with the batch; false when it has no room for them yet. */
function copyIn(pool: HashPool, id: number, bytes: Uint8Array): boolean {
  const wraps = pool.head + bytes.length > RING_BYTES;
  const skipped = wraps ? RING_BYTES - pool.head : 0;
  if (pool.used + skipped + bytes.length > RING_BYTES) return false;
  const offset = wraps ? 0 : pool.head;
  pool.ring.set(bytes, offset);
  pool.head = offset + bytes.length;
  pool.used += skipped + bytes.length;
  const { batch } = pool;
  const last = batch.length - 3;
  if (last >= 0 && batch[last] === id && batch[last + 1] + batch[last + 2] === offset) batch[last + 2] += bytes.length;
  else batch.push(id, offset, bytes.length);
  pool.batchBytes += bytes.length;
  pool.batchCharge += skipped + bytes.length;
  if (pool.batchBytes >= POST_BYTES) handOver(pool);
  return true;
}

/** Hands the batch to the worker: one message, and one acknowledgement, for many pieces. */
function handOver(pool: HashPool): void {
  if (pool.batch.length === 0) return;
  pool.worker.postMessage([POOL_ID, 'batch', pool.batch, pool.batchCharge]);
  pool.batch = [];
  pool.batchBytes = 0;
  pool.batchCharge = 0;
}

export class WorkerHashingStream extends Transform {
  private readonly algorithm: string;
  private readonly id: number;
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
    // the pool's own listener is always there: the first job's makes two
    if (pool.listeners.size === 2) pool.worker.ref();
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
   * An abandoned job still holds a hash in the worker, and ring bytes the worker has yet to read: ending it hands
   * them over and frees the hash; the job keeps listening until the worker's last reply.
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
    if (!shared?.listeners.has(this.id)) return;
    // the job's last bytes go before its end, and the worker reads its messages in order
    handOver(shared);
    shared.worker.postMessage([this.id, 'end']);
  }

  /** Call once, after the stream has ended. */
  digest(): Digest {
    if (this.hex === undefined) throw new Error('digest() called before the stream ended');
    return `${this.algorithm}:${this.hex}`;
  }

  /** Copies `rest` into the ring piece by piece as it has room, then passes the chunk on. */
  private send(rest: Buffer, chunk: Buffer, done: TransformCallback): void {
    const pool = hashPool();
    while (rest.length > 0) {
      const piece = rest.subarray(0, RING_BYTES / 4);
      if (!copyIn(pool, this.id, piece)) {
        // room comes back only as the worker acknowledges what it was handed
        handOver(pool);
        this.retry = () => {
          pool.waiting.delete(this.retry!);
          this.retry = undefined;
          this.send(rest, chunk, done);
        };
        pool.waiting.add(this.retry);
        return;
      }
      rest = rest.subarray(piece.length);
    }
    done(null, chunk);
  }

  private onWorker(kind: 'ack' | 'digest' | 'error', value: number | string | Error): void {
    if (kind === 'error') {
      this.release();
      this.destroy(value as Error);
    } else if (kind === 'digest') {
      this.release();
      this.finished?.(value as string);
    }
  }

  /** Stops listening to the worker. */
  private release(): void {
    const pool = shared;
    if (pool?.listeners.delete(this.id) && pool.listeners.size === 1) pool.worker.unref();
  }
}

/** Blobs at least this big are hashed on the worker: below it, handing the bytes over costs more than it frees. */
const WORKER_HASH_MIN_BYTES = 16 << 20;

/** A hashing stream for a blob of about `sizeHint` bytes: on the worker when it is big, on this thread otherwise. */
export function hashingStreamFor(algorithm: string, sizeHint = 0): HashingStream | WorkerHashingStream {
  return sizeHint >= WORKER_HASH_MIN_BYTES ? new WorkerHashingStream(algorithm) : new HashingStream(algorithm);
}
