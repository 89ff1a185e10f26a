// Unit tests of the chunk gatherer: bytes come out whole and in order, in chunks of the size asked, and a chunk is filled again only once its consumers are done with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coalesced } from '../../../src/streams/coalesce.ts';

async function* pieces(lengths: number[]): AsyncGenerator<Buffer> {
  let value = 0;
  for (const length of lengths) yield Buffer.from(Array.from({ length }, () => value++ & 0xff));
}

async function collect(source: AsyncIterable<Buffer>, copy = true): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of source) out.push(copy ? Buffer.from(chunk) : chunk);
  return out;
}

const expected = (total: number) => Buffer.from(Array.from({ length: total }, (_, i) => i & 0xff));

describe('coalesced', () => {
  it('gathers small chunks into chunks of the size asked, the last one shorter', async () => {
    const out = await collect(coalesced(pieces([3, 5, 7, 2, 6, 2]), { size: 8 }));
    assert.deepEqual(out.map((chunk) => chunk.length), [8, 8, 8, 1]);
    assert.deepEqual(Buffer.concat(out), expected(25));
  });

  it('passes a chunk at least the size asked as it is, when nothing is being gathered', async () => {
    const source = pieces([16, 2, 20]);
    const out = await collect(coalesced(source, { size: 8 }), false);
    assert.deepEqual(out.map((chunk) => chunk.length), [16, 8, 8, 6]);
    assert.deepEqual(Buffer.concat(out), expected(38));
  });

  it('yields nothing for an empty source', async () => {
    assert.deepEqual(await collect(coalesced(pieces([]), { size: 8 })), []);
  });

  it('fills a chunk again only once it is reusable, judged by where its bytes end', async () => {
    let done = 0;
    const asked: number[] = [];
    const seen = new Set<ArrayBufferLike>();
    const out: Buffer[] = [];
    const reusable = (end: number) => (asked.push(end), end <= done);
    for await (const chunk of coalesced(pieces([4, 4, 4, 4, 4, 4, 4, 4]), { size: 8, start: 100, reusable })) {
      out.push(Buffer.from(chunk));
      seen.add(chunk.buffer);
      // the consumer finishes with each chunk one chunk late
      done = 100 + out.length * 8 - 8;
    }
    assert.deepEqual(Buffer.concat(out), expected(32));
    // the first chunk (bytes 100–108) is asked about for the third; it was done with by then, and reused
    assert.equal(asked[0], 108);
    assert.equal(seen.size, 2);
  });

  it('allocates a new chunk while the oldest is still in use', async () => {
    const seen = new Set<ArrayBufferLike>();
    for await (const chunk of coalesced(pieces([8, 8, 8, 8]), { size: 16, reusable: () => false })) seen.add(chunk.buffer);
    assert.equal(seen.size, 2);
  });
});
