// Unit tests of the write stream that starts writeback as it goes: bytes land whole and in order, appends append, `wx` refuses.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import { WritebackFile } from '../../../src/streams/writeback-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'wharf-writeback-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 80 MiB in uneven chunks, each filled from its index: more than two writeback intervals. */
function* chunks(): Generator<Buffer> {
  for (let i = 0, total = 0; total < 80 << 20; i++) {
    const chunk = Buffer.alloc(((i * 7919) % (1 << 20)) + 1, i & 0xff);
    total += chunk.length;
    yield chunk;
  }
}

const sha256 = (data: Buffer | Iterable<Buffer>) => {
  const hash = createHash('sha256');
  for (const part of Buffer.isBuffer(data) ? [data] : data) hash.update(part);
  return hash.digest('hex');
};

describe('WritebackFile', () => {
  it('writes every byte in order across writebacks, and counts them', async () => {
    const file = join(dir, 'big');
    const sink = new WritebackFile(file, { flags: 'wx', mode: 0o640 });
    await pipeline(Readable.from(chunks()), sink);
    const written = readFileSync(file);
    assert.equal(sink.bytesWritten, written.length);
    assert.equal(sha256(written), sha256(chunks()));
  });

  it('appends to what the file holds with flags a', async () => {
    const file = join(dir, 'appended');
    writeFileSync(file, 'head:');
    await pipeline(Readable.from([Buffer.from('one,'), Buffer.from('two')]), new WritebackFile(file, { flags: 'a' }));
    assert.equal(readFileSync(file, 'utf8'), 'head:one,two');
  });

  it('refuses an existing file with flags wx, leaving it as it was', async () => {
    const file = join(dir, 'taken');
    writeFileSync(file, 'mine');
    await assert.rejects(pipeline(Readable.from([Buffer.from('theirs')]), new WritebackFile(file, { flags: 'wx' })), { code: 'EEXIST' });
    assert.equal(readFileSync(file, 'utf8'), 'mine');
  });
});
