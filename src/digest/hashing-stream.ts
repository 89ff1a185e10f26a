// A pass-through stream that hashes and counts what flows through it, for verify-as-you-stream.
import type { Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crypto, type Digest } from './digest.ts';
import { noteStreamedBytes } from '../streams/scavenge.ts';

export class HashingStream extends Transform {
  private readonly hash: Hash;
  private readonly algorithm: string;
  size = 0;

  constructor(algorithm = 'sha256') {
    super();
    this.algorithm = algorithm;
    this.hash = crypto().createHash(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    noteStreamedBytes(chunk.length);
    done(null, chunk);
  }

  /** Call once, after the stream has ended. */
  digest(): Digest {
    return `${this.algorithm}:${this.hash.digest('hex')}`;
  }
}
