// Unit tests of compression detection, decompression (in-process and by xz/bzip2), corruption, aborts and bombs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { InvalidContentError, LimitExceededError } from '../../../src/errors.ts';
import { type Compression, decompressStream, detectCompression } from '../../../src/layers/compression.ts';
import { chunked } from './tar-fixtures.ts';

const DATA = Buffer.from('a layer tar would be here; '.repeat(4000));

function compress(compression: Compression, data: Buffer): Buffer {
  switch (compression) {
    case 'gzip':
      return gzipSync(data);
    case 'zstd':
      return zstdCompressSync(data);
    case 'xz':
    case 'bzip2':
      return execFileSync(compression, ['-c'], { input: data, maxBuffer: 1 << 30 });
    case 'none':
      return data;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const ALL: Compression[] = ['gzip', 'zstd', 'xz', 'bzip2', 'none'];

describe('detectCompression', () => {
  for (const compression of ALL) {
    it(`recognises ${compression}`, () => assert.equal(detectCompression(compress(compression, DATA).subarray(0, 6)), compression));
  }

  it('says none for too few bytes or a tar', () => {
    assert.equal(detectCompression(Buffer.from([0x1f])), 'none');
    assert.equal(detectCompression(Buffer.alloc(0)), 'none');
    assert.equal(detectCompression(Buffer.from('ustar')), 'none');
  });
});

describe('decompressStream', () => {
  for (const compression of ALL) {
    it(`round-trips ${compression}, the magic split across chunks`, async () => {
      const whole = compress(compression, DATA);
      const pieces = [whole.subarray(0, 1), whole.subarray(1, 4), whole.subarray(4)];
      const result = await decompressStream(Readable.from(pieces, { objectMode: false }));
      assert.equal(result.compression, compression);
      assert.ok((await readAll(result.stream)).equals(DATA));
    });
  }

  it('passes short and empty inputs through untouched', async () => {
    for (const input of [Buffer.from('hi'), Buffer.alloc(0)]) {
      const { stream, compression } = await decompressStream(Readable.from([input]));
      assert.equal(compression, 'none');
      assert.ok((await readAll(stream)).equals(input));
    }
  });

  for (const compression of ['gzip', 'zstd', 'xz', 'bzip2'] as const) {
    it(`reports truncated ${compression} data as corrupt`, async () => {
      const whole = compress(compression, DATA);
      const { stream } = await decompressStream(chunked(whole.subarray(0, whole.length >> 1)));
      await assert.rejects(readAll(stream), (error: Error) => {
        assert.ok(error instanceof InvalidContentError, `${error.name}: ${error.message}`);
        assert.match(error.message, /^archive is corrupt: /);
        return true;
      });
    });
  }

  it('reports garbage after a valid magic as corrupt', async () => {
    for (const compression of ['gzip', 'xz'] as const) {
      const bad = Buffer.concat([compress(compression, DATA).subarray(0, 6), Buffer.alloc(4096, 0x55)]);
      const { stream } = await decompressStream(Readable.from([bad]));
      await assert.rejects(readAll(stream), { name: 'InvalidContentError', message: /^archive is corrupt: / });
    }
  });

  it('kills the child and destroys the input when the consumer stops early', async () => {
    const input = bomb('xz', 64);
    const { stream } = await decompressStream(input);
    assert.ok(childrenNamed('xz').length > 0, 'xz is running');
    for await (const _ of stream) break; // destroys the stream
    for (let i = 0; i < 50 && childrenNamed('xz').length > 0; i++) await sleep(20);
    assert.deepEqual(childrenNamed('xz'), []);
    assert.ok(input.destroyed);
  });
});

/** Our own child processes with this command name, from /proc. */
function childrenNamed(command: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat)!;
      const [state, ppid] = rest.split(' ');
      if (comm === command && Number(ppid) === process.pid && state !== 'Z') pids.push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Concatenated frames (members, streams) of one compressed MiB of zeros: a bomb of `mib` MiB, built without ever holding it. */
function bomb(compression: 'gzip' | 'zstd' | 'xz' | 'bzip2', mib: number): Readable {
  const frame = compress(compression, Buffer.alloc(1024 * 1024));
  return Readable.from(
    (function* () {
      for (let i = 0; i < mib; i++) yield frame;
    })(),
    { objectMode: false },
  );
}

async function drainCounting(stream: Readable): Promise<{ bytes: number; error?: Error }> {
  let bytes = 0;
  try {
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return { bytes };
  } catch (error) {
    return { bytes, error: error as Error };
  }
}

describe('decompression bombs', () => {
  it('a 16 GiB zstd bomb stops soon after the grace size, with the defaults', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const { stream } = await decompressStream(bomb('zstd', 16 * 1024));
    const { bytes, error } = await drainCounting(stream);
    assert.ok(error instanceof LimitExceededError, String(error));
    assert.match(error.message, /^compressed data expands more than 200 times .*a decompression bomb\?\): raise WHARF_MAX_LAYER_RATIO \(option maxExpansionRatio\)/);
    assert.ok(bytes < 80 * 1024 * 1024, `${bytes} bytes came out`);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  });

  it('gzip at its best (one member of zeros, about 1030:1) trips the default ratio too', async () => {
    const member = gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
    const { stream } = await decompressStream(chunked(member, 4096), { ratioGraceBytes: 8 * 1024 * 1024 });
    const { bytes, error } = await drainCounting(stream);
    assert.ok(error instanceof LimitExceededError, String(error));
    assert.ok(bytes < 16 * 1024 * 1024, `${bytes} bytes came out`);
  });

  it('bombs through the xz and bzip2 tools stop too, and their child is killed', async () => {
    for (const compression of ['xz', 'bzip2'] as const) {
      const { stream } = await decompressStream(bomb(compression, 4096), { ratioGraceBytes: 1024 * 1024 });
      const { error } = await drainCounting(stream);
      assert.ok(error instanceof LimitExceededError, `${compression}: ${error}`);
    }
    for (let i = 0; i < 50 && childrenNamed('xz').length + childrenNamed('bzip2').length > 0; i++) await sleep(20);
    assert.deepEqual([...childrenNamed('xz'), ...childrenNamed('bzip2')], []);
  });

  it('an absolute byte limit, naming its knob', async () => {
    const { stream } = await decompressStream(Readable.from([compress('gzip', DATA)]), { maxUncompressedBytes: 10_000 });
    const { error } = await drainCounting(stream);
    assert.ok(error instanceof LimitExceededError);
    assert.match(error.message, /^compressed data expands past 9\.8 KiB: raise WHARF_MAX_LAYER_BYTES \(option maxUncompressedBytes\)/);
  });

  it('a raised ratio lets a very compressible layer through', async () => {
    const { stream } = await decompressStream(bomb('zstd', 128), { maxExpansionRatio: 1e9 });
    assert.deepEqual(await drainCounting(stream), { bytes: 128 * 1024 * 1024 });
  });
});
