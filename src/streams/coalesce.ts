// Gathers a socket's small chunks into large ones before they reach the thread pool: each fs write or zlib chunk is a
// thread wake-up, ~60 µs on these VMs, and a 1 GB download arrives in some 16,000 chunks of 64 KiB.

const COALESCED_CHUNK_BYTES = 1 << 20;

export interface CoalesceOptions {
  size?: number;
  /** Where the source starts in the whole stream, for `reusable`'s offsets. */
  start?: number;
  /**
   * True once every consumer is done with the stream's bytes before `end`: the chunk that held them is filled again.
   * A large chunk lives long enough to outlast two scavenges, and V8 then frees it only in a full collection (a 1 GB
   * pull ran 98 of them, ~1 s); reused chunks are never garbage.
   */
  reusable?: (end: number) => boolean;
}

/** The source's bytes, in order, as chunks of `size` bytes (the last one shorter); chunks already that large pass as they are. */
export async function* coalesced(source: AsyncIterable<Buffer>, options: CoalesceOptions = {}): AsyncGenerator<Buffer> {
  const { size = COALESCED_CHUNK_BYTES, reusable } = options;
  let end = options.start ?? 0;
  /** Chunks handed out, oldest first, with the stream offset each one's bytes end at. */
  const lent: Array<{ chunk: Buffer; end: number }> = [];
  const take = () => (reusable && lent.length > 0 && reusable(lent[0].end) ? lent.shift()!.chunk : Buffer.allocUnsafeSlow(size));
  let gathering: Buffer | undefined;
  let filled = 0;
  for await (const chunk of source) {
    if (filled === 0 && chunk.length >= size) {
      end += chunk.length;
      yield chunk;
      continue;
    }
    let read = 0;
    while (read < chunk.length) {
      gathering ??= take();
      const copied = chunk.copy(gathering, filled, read);
      filled += copied;
      read += copied;
      if (filled < size) continue;
      end += size;
      if (reusable) lent.push({ chunk: gathering, end });
      yield gathering;
      gathering = undefined;
      filled = 0;
    }
  }
  if (filled > 0) yield gathering!.subarray(0, filled);
}
