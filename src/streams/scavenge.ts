// Prompt collection of streamed buffers: each chunk read from a file or socket is garbage once it is hashed and written, but V8 frees such buffers only at its external-memory limit (~64 MB past the last collection); a scavenge every few MiB keeps a long stream's memory flat.

const BYTES_PER_SCAVENGE = 8 << 20;

type Gc = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

let pending = 0;

/** Counts bytes that just went through; collects young garbage once enough has passed (when the process runs with --expose-gc, as bin/wharf starts it). */
export function noteStreamedBytes(bytes: number): void {
  const collect = (globalThis as { gc?: Gc }).gc;
  if (!collect) return;
  pending += bytes;
  if (pending < BYTES_PER_SCAVENGE) return;
  pending = 0;
  collect({ type: 'minor', execution: 'sync' });
}
