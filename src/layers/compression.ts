// Detects a stream's compression by its magic bytes and decompresses it (gzip and zstd in-process, xz and bzip2 by the system tools).
import { spawn } from 'node:child_process';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { InvalidContentError, LimitExceededError } from '../errors.ts';
import { layerLimits, type LayerLimits } from './limits.ts';
import { readHead } from './read-head.ts';

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

const MAGIC: Array<[Compression, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];

export function detectCompression(head: Buffer): Compression {
  for (const [compression, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return compression;
  }
  return 'none';
}

export async function decompressStream(input: Readable, limits: LayerLimits = layerLimits()): Promise<{ stream: Readable; compression: Compression }> {
  const { head, ended } = await readHead(input, 6);
  const source = ended ? Readable.from([head]) : input;
  const compression = detectCompression(head);
  if (compression === 'none') return { stream: source, compression };
  const counter = new ByteCounter();
  const decompressed = compression === 'gzip' || compression === 'zstd' ? inProcess(source.pipe(counter), compression) : viaTool(source.pipe(counter), compression);
  const guard = new ExpansionGuard(counter, limits);
  source.on('error', (error: Error) => decompressed.destroy(error));
  decompressed.on('error', (error: Error) => guard.destroy(error));
  return { stream: decompressed.pipe(guard), compression };
}

function inProcess(input: Readable, compression: 'gzip' | 'zstd'): Readable {
  const decoder = compression === 'gzip' ? createGunzip() : createZstdDecompress();
  const output = new PassThrough();
  input.pipe(decoder).pipe(output);
  decoder.on('error', (error: Error) => output.destroy(corrupt(compression, error.message)));
  return output;
}

function viaTool(input: Readable, compression: 'xz' | 'bzip2'): Readable {
  const child = spawn(compression, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const output = new PassThrough();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  input.pipe(child.stdin).on('error', () => undefined);
  child.stdout.pipe(output, { end: false });
  child.on('error', (error) => output.destroy(corrupt(compression, `cannot run ${compression}: ${error.message}`)));
  child.on('close', (code) => (code === 0 ? output.end() : output.destroy(corrupt(compression, stderr.trim().split('\n').at(-1) ?? `exit ${code}`))));
  output.on('close', () => child.kill());
  return output;
}

function corrupt(compression: string, detail: string): InvalidContentError {
  if (/unexpected end|truncated|premature/i.test(detail)) return new InvalidContentError(`${compression} data is truncated (unexpected EOF)`);
  return new InvalidContentError(`${compression} data is corrupt: ${detail}`);
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** Refuses output that grows past the expansion ratio: a decompression bomb stops early, in bounded memory. */
class ExpansionGuard extends Transform {
  private readonly counter: ByteCounter;
  private readonly limits: LayerLimits;
  private bytes = 0;

  constructor(counter: ByteCounter, limits: LayerLimits) {
    super();
    this.counter = counter;
    this.limits = limits;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    const { maxExpansionRatio, ratioFloorBytes } = this.limits;
    if (this.bytes > ratioFloorBytes && this.bytes > this.counter.bytes * maxExpansionRatio) {
      done(new LimitExceededError(`decompressed data expands more than ${maxExpansionRatio}:1 (a decompression bomb?); raise WHARF_MAX_EXPANSION_RATIO to allow it`));
      return;
    }
    done(null, chunk);
  }
}
