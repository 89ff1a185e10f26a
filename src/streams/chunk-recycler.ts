// Hands out large chunks to fill and takes them back once every consumer is done with their bytes, so a long stream makes no garbage.

export const LARGE_CHUNK_BYTES = 1 << 20;

/**
 * A large chunk lives long enough to outlast two scavenges, and V8 then frees it only in a full collection (a 1 GB pull
 * ran 98 of them, ~1 s); a recycled chunk is never garbage. Offsets are the stream's: `start` is where it begins.
 */
export class ChunkRecycler {
  readonly size: number;
  /** True once every consumer is done with the stream's bytes before `end`: the chunk that held them can be filled again. */
  private readonly reusable: ((end: number) => boolean) | undefined;
  /** Chunks handed out, oldest first, with the stream offset each one's bytes end at. */
  private readonly lent: Array<{ chunk: Buffer; end: number }> = [];
  private end: number;

  constructor(options: { size?: number; start?: number; reusable?: (end: number) => boolean } = {}) {
    this.size = options.size ?? LARGE_CHUNK_BYTES;
    this.reusable = options.reusable;
    this.end = options.start ?? 0;
  }

  /** A chunk to fill: the oldest one handed out when its bytes are all consumed, otherwise a new one. */
  take(): Buffer {
    if (this.reusable && this.lent.length > 0 && this.reusable(this.lent[0].end)) return this.lent.shift()!.chunk;
    return Buffer.allocUnsafeSlow(this.size);
  }

  /** Records the first `length` bytes of `chunk` as the stream's next bytes, handed out. */
  lend(chunk: Buffer, length: number): void {
    this.end += length;
    if (this.reusable) this.lent.push({ chunk, end: this.end });
  }

  /** Counts bytes handed out in chunks that are not to be recycled. */
  skip(length: number): void {
    this.end += length;
  }
}

/** A source that fills large chunks itself: given a recycler, it fills the recycler's chunks rather than its own. */
export interface ChunkFillingSource {
  fillChunksFrom(recycler: ChunkRecycler): void;
}

export function fillsChunks(source: object): source is ChunkFillingSource {
  return typeof (source as Partial<ChunkFillingSource>).fillChunksFrom === 'function';
}

/** Gives `through`, which passes `source`'s chunks on as they are, its source's way of filling chunks. */
export function fillingLike<T extends object>(through: T, source: object): T {
  if (fillsChunks(source)) Object.assign(through, { fillChunksFrom: (recycler: ChunkRecycler) => source.fillChunksFrom(recycler) });
  return through;
}
