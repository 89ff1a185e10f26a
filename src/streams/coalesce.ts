// Gathers a socket's small chunks into large ones before they reach the thread pool: each fs write or zlib chunk is a
// thread wake-up, ~60 µs on these VMs, and a 1 GB download arrives in some 16,000 chunks of 64 KiB.
import { ChunkRecycler, fillsChunks } from './chunk-recycler.ts';

export interface CoalesceOptions {
  size?: number;
  /** Where the source starts in the whole stream, for `reusable`'s offsets. */
  start?: number;
  /** True once every consumer is done with the stream's bytes before `end`: the chunk that held them is filled again. */
  reusable?: (end: number) => boolean;
}

/** The source's bytes, in order, as chunks of `size` bytes (the last one shorter); chunks already that large pass as they are. */
export async function* coalesced(source: AsyncIterable<Buffer>, options: CoalesceOptions = {}): AsyncGenerator<Buffer> {
  const recycler = new ChunkRecycler(options);
  if (fillsChunks(source)) {
    // It reads into large chunks already: into the recycler's, so they too are filled again.
    source.fillChunksFrom(recycler);
    yield* source;
    return;
  }
  let gathering: Buffer | undefined;
  let filled = 0;
  for await (const chunk of source) {
    if (filled === 0 && chunk.length >= recycler.size) {
      recycler.skip(chunk.length);
      yield chunk;
      continue;
    }
    let read = 0;
    while (read < chunk.length) {
      gathering ??= recycler.take();
      const copied = chunk.copy(gathering, filled, read);
      filled += copied;
      read += copied;
      if (filled < recycler.size) continue;
      recycler.lend(gathering, filled);
      yield gathering;
      gathering = undefined;
      filled = 0;
    }
  }
  if (filled > 0) yield gathering!.subarray(0, filled);
}
