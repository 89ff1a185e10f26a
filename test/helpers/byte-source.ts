// Sized, re-openable byte sources (in memory, on disk or generated) and sha256 helpers for test fixtures.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Bytes that can be streamed any number of times; big fixtures never sit in memory whole. */
export interface ByteSource {
  readonly size: number;
  open(): Readable;
}

export function fromBuffer(data: Buffer): ByteSource {
  return { size: data.length, open: () => Readable.from([data]) };
}

export function fromFile(file: string, size: number): ByteSource {
  // big reads: the default 64 KiB chunks make streaming gigabytes several times slower
  return { size, open: () => createReadStream(file, { highWaterMark: 1 << 20 }) };
}

export async function readAll(source: ByteSource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source.open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** A pass-through that hashes and counts what flows through it, for digests computed while streaming. */
export function hashTap(): { tap: Transform; digest(): string; size(): number } {
  const hash: Hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { tap, digest: () => `sha256:${hash.digest('hex')}`, size: () => size };
}

/** Writes a stream to a file, returning the digest and size of what was written. */
export async function writeHashed(input: Readable, file: string): Promise<{ digest: string; size: number }> {
  const { tap, digest, size } = hashTap();
  await pipeline(input, tap, createWriteStream(file));
  return { digest: digest(), size: size() };
}
