// A response body read from the socket into large chunks: each read's bytes are copied once, into the chunk being filled.
import { Readable } from 'node:stream';
import { ChunkRecycler, LARGE_CHUNK_BYTES, type ChunkFillingSource } from '../../../streams/chunk-recycler.ts';
import type { BodyFraming } from './body-framing.ts';

/** Chunks ready and not yet read before the socket is paused: two keep the consumer busy while the next one fills. */
const READ_AHEAD_BYTES = 2 * LARGE_CHUNK_BYTES;

export class BulkBody extends Readable implements ChunkFillingSource {
  private readonly framing: BodyFraming;
  private readonly resumeReading: () => void;
  private recycler: ChunkRecycler;
  private filling: Buffer | undefined;
  private filled = 0;
  /** Body bytes handed out so far. */
  private delivered = 0;
  private complete = false;

  /** `resumeReading` restarts the socket's reading, paused when `accept` said the consumer was behind. */
  constructor(framing: BodyFraming, resumeReading: () => void) {
    super({ highWaterMark: READ_AHEAD_BYTES });
    this.framing = framing;
    this.resumeReading = resumeReading;
    // A body of known small length (an error's JSON) gets a chunk its size, not a large one.
    this.recycler = new ChunkRecycler({ size: Math.min(LARGE_CHUNK_BYTES, Math.max(1, framing.length ?? LARGE_CHUNK_BYTES)) });
    if (framing.length === 0) this.finish();
  }

  get isComplete(): boolean {
    return this.complete;
  }

  fillChunksFrom(recycler: ChunkRecycler): void {
    recycler.skip(this.delivered);
    this.recycler = recycler;
  }

  /**
   * Takes bytes just read (a view of the socket's buffer, overwritten by the next read): false when the consumer is
   * behind and the socket should pause until it reads.
   */
  accept(bytes: Uint8Array): boolean {
    if (this.complete || this.destroyed) return true;
    this.complete = this.framing.feed(bytes, (start, end) => this.copyIn(bytes, start, end));
    if (this.complete) this.finish();
    return this.readableLength < READ_AHEAD_BYTES;
  }

  /** The connection ended: a proper end when the framing allows it, otherwise a truncated body. */
  connectionEnded(truncated: () => Error): void {
    if (this.complete || this.destroyed) return;
    if (!this.framing.endsAtClose) {
      this.destroy(truncated());
      return;
    }
    this.complete = true;
    this.finish();
  }

  override _read(): void {
    if (!this.complete) this.resumeReading();
  }

  private copyIn(bytes: Uint8Array, start: number, end: number): void {
    let at = start;
    while (at < end) {
      this.filling ??= this.recycler.take();
      const copied = Math.min(end - at, this.filling.length - this.filled);
      this.filling.set(bytes.subarray(at, at + copied), this.filled);
      this.filled += copied;
      at += copied;
      if (this.filled === this.filling.length) this.handOut();
    }
  }

  private handOut(): void {
    const chunk = this.filled === this.filling!.length ? this.filling! : this.filling!.subarray(0, this.filled);
    this.recycler.lend(this.filling!, this.filled);
    this.delivered += this.filled;
    this.filling = undefined;
    this.filled = 0;
    this.push(chunk);
  }

  private finish(): void {
    if (this.filled > 0) this.handOut();
    this.push(null);
  }
}
