// Caps what a decompressor may emit, against decompression bombs: an absolute byte limit and an expansion ratio.
import { Transform, type TransformCallback } from 'node:stream';
import { formatBytes, limitExceeded } from './limits.ts';

/**
 * Output below this is never refused for its ratio: small, very compressible files (a tar of empty files, a zeroed
 * sparse file) legitimately expand thousands of times, and 64 MiB is harmless. A bomb is stopped soon after it.
 */
export const RATIO_GRACE_BYTES = 64 * 1024 * 1024;

export interface ExpansionBounds {
  maxBytes: number;
  maxRatio: number;
  /** Defaults to RATIO_GRACE_BYTES. */
  graceBytes?: number;
}

/**
 * A pass-through placed after a decompressor. `consumed` reports the compressed bytes the decompressor has taken in
 * so far; the guard checks every chunk before passing it on, so a bomb never gets further than one chunk past a limit.
 */
export class ExpansionGuard extends Transform {
  private readonly consumed: () => number;
  private readonly bounds: Required<ExpansionBounds>;
  private produced = 0;

  constructor(consumed: () => number, bounds: ExpansionBounds) {
    super();
    this.consumed = consumed;
    this.bounds = { ...bounds, graceBytes: bounds.graceBytes ?? RATIO_GRACE_BYTES };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.produced += chunk.length;
    const problem = this.check();
    if (problem) done(problem);
    else done(null, chunk);
  }

  private check(): Error | undefined {
    const { maxBytes, maxRatio, graceBytes } = this.bounds;
    if (this.produced > maxBytes) {
      return limitExceeded('maxUncompressedBytes', `compressed data expands past ${formatBytes(maxBytes)}`);
    }
    const compressed = this.consumed();
    if (this.produced > graceBytes && this.produced > compressed * maxRatio) {
      const detail = `${formatBytes(this.produced)} from ${formatBytes(compressed)}, a decompression bomb?`;
      return limitExceeded('maxExpansionRatio', `compressed data expands more than ${maxRatio} times (${detail})`);
    }
    return undefined;
  }
}
