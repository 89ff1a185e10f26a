// Unit tests of the pigz-style gzip encoder: any gunzip reads it back, random blocks are stored, the bytes depend on the input alone.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createCipheriv } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createParallelGzip, type ParallelGzipOptions } from '../../../src/layers/parallel-gzip.ts';

const BLOCK = 64 << 10;
/** Machine code and strings, as layers mostly hold: compressible by about half. */
const TEXT = readFileSync(process.execPath).subarray(0, 600_000);
/** Deterministic bytes that no compressor can shrink. */
const RANDOM = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16)).update(Buffer.alloc(400_000));

async function gzip(data: Buffer, options: ParallelGzipOptions = {}, chunkBytes = 8192): Promise<Buffer> {
  const chunks = Array.from({ length: Math.ceil(data.length / chunkBytes) }, (_, i) => data.subarray(i * chunkBytes, (i + 1) * chunkBytes));
  const output: Buffer[] = [];
  for await (const part of Readable.from(chunks).pipe(createParallelGzip({ blockBytes: BLOCK, ...options }))) output.push(part);
  return Buffer.concat(output);
}

describe('createParallelGzip', () => {
  for (const [name, data] of [
    ['empty input', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['a binary over many blocks', TEXT],
    ['random bytes', RANDOM],
    ['random, binary and random again, cut mid-block', Buffer.concat([RANDOM.subarray(0, 100_000), TEXT.subarray(0, 150_001), RANDOM.subarray(7)])],
  ] as const) {
    it(`round-trips ${name} through zlib and the system gzip`, async () => {
      const encoded = await gzip(data);
      assert.ok(gunzipSync(encoded).equals(data));
      assert.ok(execFileSync('gzip', ['-dc'], { input: encoded, maxBuffer: 1 << 26 }).equals(data));
    });
  }

  it('stores blocks deflate cannot shrink, adding 5 bytes per 64 KiB', async () => {
    const encoded = await gzip(RANDOM);
    const storedBlocks = Math.ceil(BLOCK / 0xffff) * Math.ceil(RANDOM.length / BLOCK);
    assert.ok(encoded.length <= RANDOM.length + storedBlocks * 5 + 10 + 5 + 8, `${encoded.length} bytes for ${RANDOM.length}`);
  });

  it('compresses a binary as well as one zlib stream at the same level', async () => {
    const encoded = await gzip(TEXT, { level: 1 });
    const whole = gzipSync(TEXT, { level: 1 });
    assert.ok(encoded.length < TEXT.length * 0.8);
    assert.ok(encoded.length <= whole.length * 1.05, `${encoded.length} against ${whole.length}`);
  });

  it('gives the same bytes however the input arrives and however many blocks deflate at once', async () => {
    const data = Buffer.concat([TEXT, RANDOM, TEXT]);
    const first = await gzip(data, { concurrency: 1 }, 8192);
    const second = await gzip(data, { concurrency: 8 }, 100_003);
    assert.ok(first.equals(second));
  });

  it('gives each stream the bytes it gives alone while several gzip at once (each then keeps one block deflating)', async () => {
    const data = Buffer.concat([TEXT, RANDOM, TEXT]);
    const alone = await gzip(data);
    const together = await Promise.all([0, 1, 2, 3].map((i) => gzip(data, {}, 8192 + i * 5000)));
    for (const encoded of together) assert.ok(encoded.equals(alone));
  });

});
