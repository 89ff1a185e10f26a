// The worker-thread hasher gives the same digest and bytes as hashing in-thread, and keeps its backlog bounded.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { WorkerHashingStream } from '../../../src/digest/worker-hashing-stream.ts';

function chunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, () => randomBytes(size));
}

async function hashThrough(parts: Buffer[], algorithm = 'sha256'): Promise<{ digest: string; passed: Buffer }> {
  const hashing = new WorkerHashingStream(algorithm);
  const seen: Buffer[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (seen.push(chunk), done()) });
  await pipeline(Readable.from(parts), hashing, sink);
  assert.equal(hashing.size, parts.reduce((sum, part) => sum + part.length, 0));
  return { digest: hashing.digest(), passed: Buffer.concat(seen) };
}

describe('WorkerHashingStream', () => {
  it('hashes 80 MiB (past its in-flight bound) to the digest crypto computes, passing every byte through', async () => {
    const parts = chunks(80, 1 << 20);
    const expected = createHash('sha256');
    for (const part of parts) expected.update(part);
    const { digest, passed } = await hashThrough(parts);
    assert.equal(digest, `sha256:${expected.digest('hex')}`);
    assert.ok(passed.equals(Buffer.concat(parts)));
  });

  it('runs several jobs at once on the one worker, each with its own algorithm', async () => {
    const a = chunks(3, 1000);
    const b = chunks(5, 777);
    const [first, second] = await Promise.all([hashThrough(a), hashThrough(b, 'sha512')]);
    assert.equal(first.digest, `sha256:${createHash('sha256').update(Buffer.concat(a)).digest('hex')}`);
    assert.equal(second.digest, `sha512:${createHash('sha512').update(Buffer.concat(b)).digest('hex')}`);
  });

  it('refuses digest() before the stream has ended', () => {
    const hashing = new WorkerHashingStream();
    assert.throws(() => hashing.digest(), /before the stream ended/);
    hashing.destroy();
  });

  it('an empty stream hashes to the empty digest', async () => {
    const { digest } = await hashThrough([]);
    assert.equal(digest, `sha256:${createHash('sha256').digest('hex')}`);
  });

  it('gives the ring its room back when jobs are abandoned half-way, so later jobs still finish', { timeout: 30_000 }, async () => {
    // each abandoned job leaves most of the 8 MiB ring handed over and not yet read: ten of them would fill it for good
    for (let job = 0; job < 10; job++) {
      const hashing = new WorkerHashingStream();
      hashing.on('error', () => {});
      for (const part of chunks(6, 1 << 20)) hashing.write(part);
      hashing.destroy(new Error('the download broke'));
      await new Promise((resolve) => hashing.once('close', resolve));
    }
    const parts = chunks(24, 1 << 20);
    const { digest } = await hashThrough(parts);
    assert.equal(digest, `sha256:${createHash('sha256').update(Buffer.concat(parts)).digest('hex')}`);
  });

  it("keeps twelve jobs' bytes apart when their 64 KiB chunks interleave in the ring and go over in shared batches", { timeout: 30_000 }, async () => {
    // chunks as a socket gives them, fed to all twelve in turn: a batch holds pieces of many jobs, and the ring frees
    // its space first in, first out only if batches go over in the order their pieces were copied in
    const jobs = Array.from({ length: 12 }, () => ({ hashing: new WorkerHashingStream(), parts: chunks(15, 64 << 10), expected: createHash('sha256') }));
    const finished = jobs.map(({ hashing }) => pipeline(hashing, new Writable({ write: (_chunk, _encoding, done) => done() })));
    for (let i = 0; i < 15; i++) {
      for (const job of jobs) {
        job.expected.update(job.parts[i]);
        if (!job.hashing.write(job.parts[i])) await new Promise((resolve) => job.hashing.once('drain', resolve));
      }
    }
    for (const { hashing } of jobs) hashing.end();
    await Promise.all(finished);
    for (const job of jobs) assert.equal(job.hashing.digest(), `sha256:${job.expected.digest('hex')}`);
  });
});
