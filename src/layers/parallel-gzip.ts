// Gzip for pushes, pigz-style: the input is cut into blocks deflated at once on libuv's pool, and blocks that would not shrink are stored.
import { Transform, type TransformCallback } from 'node:stream';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import { collectPromotedBuffers } from '../streams/scavenge.ts';

export interface ParallelGzipOptions {
  /** zlib's level for blocks worth compressing. */
  level?: number;
  /** Bytes per independently deflated block. */
  blockBytes?: number;
  /** Blocks deflating at once; by default two, or one while other streams gzip too. */
  concurrency?: number;
}

/**
 * Level 1, not Go's default 6: on this class of machine it compresses ~3× faster for layers ~10% larger, and a push
 * is bound by compression.
 */
const DEFAULT_LEVEL = constants.Z_BEST_SPEED;
const DEFAULT_BLOCK_BYTES = 1 << 20;
const DEFAULT_CONCURRENCY = 2;
/**
 * Streams gzipping at once in this process. With several (a push of five layers), each keeps one block deflating: two
 * cores deflate them all, and a second block per stream only held its buffers (~12 MB more at the peak, no faster).
 */
let activeStreams = 0;
/** Deflate's window: each block is primed with the input before it, so splitting costs almost nothing in size. */
const WINDOW_BYTES = 32 << 10;
/** A block whose sample deflates to more than this fraction of it is stored: zlib's level 1 runs at ~36 MB/s on random bytes, for nothing. */
const STORE_ABOVE_RATIO = 0.95;
const SAMPLE_SLICES = 4;
const SAMPLE_SLICE_BYTES = 4 << 10;
const STORED_BLOCK_MAX = 0xffff;

// mtime 0 and OS "unknown", as Go writes them: the output depends on the input alone.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/** An empty final stored block: every block before it ends byte-aligned and non-final, so this closes the deflate stream. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);

/**
 * A standard single-member gzip stream that any gunzip reads. Its bytes depend only on the input and the options,
 * never on timing, so the same layer always gets the same digest.
 */
export function createParallelGzip(options: ParallelGzipOptions = {}): Transform {
  // each block is a fresh buffer that the upload, the stored copy and the hash hold for a while
  collectPromotedBuffers();
  const level = options.level ?? DEFAULT_LEVEL;
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  const concurrency = () => Math.max(1, options.concurrency ?? (activeStreams > 1 ? 1 : DEFAULT_CONCURRENCY));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let previousTail: Buffer | undefined;
  let crc = 0;
  let totalBytes = 0;
  const inFlight: Promise<Buffer>[] = [];

  const startBlock = (block: Buffer) => {
    crc = crc32(block, crc);
    totalBytes += block.length;
    inFlight.push(encodeBlock(block, previousTail, level));
    // a copy: a view would keep the whole block alive until the next one is cut
    previousTail = Buffer.from(block.subarray(Math.max(0, block.length - WINDOW_BYTES)));
  };
  const takeBlock = (): Buffer => {
    const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    const block = joined.subarray(0, blockBytes);
    const rest = joined.subarray(blockBytes);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
    return block;
  };

  return new Transform({
    construct(callback) {
      activeStreams++;
      this.push(GZIP_HEADER);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= blockBytes) startBlock(takeBlock());
      drain(this, inFlight, concurrency() - 1).then(() => callback(), callback);
    },
    flush(callback: TransformCallback) {
      if (pendingBytes > 0) startBlock(takeBlock());
      drain(this, inFlight, 0).then(() => {
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(crc >>> 0, 0);
        trailer.writeUInt32LE(totalBytes % 2 ** 32, 4);
        callback(null, Buffer.concat([FINAL_EMPTY_BLOCK, trailer]));
      }, callback);
    },
    // once, whether the stream ended or failed
    destroy(error, callback) {
      activeStreams--;
      callback(error);
    },
  });
}

/** Pushes finished blocks in order until at most `keep` are still deflating. */
async function drain(stream: Transform, inFlight: Promise<Buffer>[], keep: number): Promise<void> {
  while (inFlight.length > keep) stream.push(await inFlight.shift());
}

/** Raw deflate ending in a sync flush (byte-aligned, not final), or stored blocks when deflate would not pay. */
async function encodeBlock(block: Buffer, dictionary: Buffer | undefined, level: number): Promise<Buffer> {
  if (!worthDeflating(block, level)) return storedBlocks(block);
  const deflated = await new Promise<Buffer>((resolve, reject) => {
    // One output chunk as big as the block: zlib's default 16 KiB chunks would cost a trip to the pool each.
    const chunkSize = block.length + (block.length >> 8) + 64;
    deflateRaw(block, { level, chunkSize, finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary && { dictionary }) }, (error, output) => (error ? reject(error) : resolve(output)));
  });
  return deflated.length < block.length ? deflated : storedBlocks(block);
}

/** Deflates a few slices spread over the block: already-compressed or random bytes show at once. */
function worthDeflating(block: Buffer, level: number): boolean {
  if (block.length <= SAMPLE_SLICES * SAMPLE_SLICE_BYTES) return true;
  const stride = Math.floor(block.length / SAMPLE_SLICES);
  const sample = Buffer.concat(Array.from({ length: SAMPLE_SLICES }, (_, i) => block.subarray(i * stride, i * stride + SAMPLE_SLICE_BYTES)));
  return deflateRawSync(sample, { level }).length <= sample.length * STORE_ABOVE_RATIO;
}

/** Deflate's stored blocks (type 00, non-final): a header byte, LEN and its complement, then the bytes as they are. */
function storedBlocks(block: Buffer): Buffer {
  const count = Math.max(1, Math.ceil(block.length / STORED_BLOCK_MAX));
  const output = Buffer.allocUnsafe(block.length + count * 5);
  let at = 0;
  for (let offset = 0; offset < block.length || at === 0; offset += STORED_BLOCK_MAX) {
    const length = Math.min(STORED_BLOCK_MAX, block.length - offset);
    output[at] = 0x00;
    output.writeUInt16LE(length, at + 1);
    output.writeUInt16LE(~length & 0xffff, at + 3);
    block.copy(output, at + 5, offset, offset + length);
    at += 5 + length;
  }
  return output.subarray(0, at);
}
