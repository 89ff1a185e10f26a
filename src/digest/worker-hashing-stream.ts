// A HashingStream whose hashing runs on a worker thread: for big blobs, the second core hashes while
// this thread parses, scans and writes. The digest is ready when the stream has flushed, as with HashingStream.
import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Digest } from './digest.ts';

/** Bytes handed to the worker and not yet hashed; past this the stream waits, so memory stays flat. */
const MAX_IN_FLIGHT = 32 << 20;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', ([id, kind, data]) => {
  if (kind === 'start') jobs.set(id, createHash(data));
  else if (kind === 'data') { jobs.get(id).update(data); parentPort.postMessage([id, 'ack', data.length]); }
  else { parentPort.postMessage([id, 'digest', jobs.get(id).digest('hex')]); jobs.delete(id); }
});`;

type Listener = (kind: 'ack' | 'digest' | 'error', value: number | string | Error) => void;

let shared: { worker: Worker; listeners: Map<number, Listener>; nextId: number } | undefined;

/** One worker per process, started on first use and not keeping the process alive when idle. */
function hashWorker(): NonNullable<typeof shared> {
  if (shared) return shared;
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const state = { worker, listeners: new Map<number, Listener>(), nextId: 0 };
  worker.on('message', ([id, kind, value]: [number, 'ack' | 'digest', number | string]) => state.listeners.get(id)?.(kind, value));
  worker.on('error', (error: Error) => {
    for (const listener of state.listeners.values()) listener('error', error);
    shared = undefined;
  });
  worker.unref();
  return (shared = state);
}

export class WorkerHashingStream extends Transform {
  private readonly algorithm: string;
  private readonly id: number;
  private inFlight = 0;
  private waiting: (() => void) | undefined;
  private finished: ((digest: string) => void) | undefined;
  private hex: string | undefined;
  size = 0;

  constructor(algorithm = 'sha256') {
    super();
    this.algorithm = algorithm;
    const pool = hashWorker();
    this.id = pool.nextId++;
    pool.listeners.set(this.id, (kind, value) => this.onWorker(kind, value));
    if (pool.listeners.size === 1) pool.worker.ref();
    pool.worker.postMessage([this.id, 'start', algorithm]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    hashWorker().worker.postMessage([this.id, 'data', chunk]);
    this.inFlight += chunk.length;
    this.size += chunk.length;
    if (this.inFlight < MAX_IN_FLIGHT) done(null, chunk);
    else this.waiting = () => done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.finished = (hex) => {
      this.hex = hex;
      done();
    };
    hashWorker().worker.postMessage([this.id, 'end']);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    // An abandoned job still holds a hash in the worker: ending it frees that, and its reply finds no listener.
    if (this.release() && this.hex === undefined) shared?.worker.postMessage([this.id, 'end']);
    done(error);
  }

  /** Call once, after the stream has ended. */
  digest(): Digest {
    if (this.hex === undefined) throw new Error('digest() called before the stream ended');
    return `${this.algorithm}:${this.hex}`;
  }

  private onWorker(kind: 'ack' | 'digest' | 'error', value: number | string | Error): void {
    if (kind === 'error') {
      this.destroy(value as Error);
    } else if (kind === 'ack') {
      this.inFlight -= value as number;
      const resume = this.waiting;
      if (resume && this.inFlight < MAX_IN_FLIGHT) {
        this.waiting = undefined;
        resume();
      }
    } else {
      this.release();
      this.finished?.(value as string);
    }
  }

  /** Stops listening; true when this job was still registered. */
  private release(): boolean {
    const pool = shared;
    if (!pool?.listeners.delete(this.id)) return false;
    if (pool.listeners.size === 0) pool.worker.unref();
    return true;
  }
}
