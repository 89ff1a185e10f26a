// Prompt collection of streamed buffers: each chunk read from a file or socket is garbage once it is hashed and written, but V8 frees such buffers only at its external-memory limit (~64 MB past the last collection); a scavenge every few MiB keeps a long stream's memory flat.

const BYTES_PER_SCAVENGE = 8 << 20;

/**
 * Buffer memory that may pile up past what the last full collection left before another full one runs. A chunk that waits
 * out two scavenges (behind a slow write or a socket, say) is promoted to the old generation, where a scavenge no longer
 * frees it. A 1 GB load held up to 70 MB of such buffers (peak RSS 120-160 MB; 112-137 MB with this, two full
 * collections, no slower); a push of a loaded image peaked at 184-197 MB (151-171 MB with this, for ~30 full
 * collections of ~13 ms).
 */
const PROMOTED_BUFFER_BYTES = 16 << 20;

type Gc = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

let pending = 0;
let buffersAfterFullCollection = 0;

/** Counts bytes that just went through; collects young garbage once enough has passed (when the process runs with --expose-gc, as bin/wharf starts it), and old garbage once promoted buffers pile up. */
export function noteStreamedBytes(bytes: number): void {
  const collect = (globalThis as { gc?: Gc }).gc;
  if (!collect) return;
  pending += bytes;
  if (pending < BYTES_PER_SCAVENGE) return;
  pending = 0;
  collect({ type: 'minor', execution: 'sync' });
  // Measured against what the last full collection left, not a fixed ceiling: buffers that are really in use (a server's
  // many uploads) must not make every scavenge a full collection.
  if (process.memoryUsage().arrayBuffers < buffersAfterFullCollection + PROMOTED_BUFFER_BYTES) return;
  collect({ type: 'major', execution: 'sync' });
  buffersAfterFullCollection = process.memoryUsage().arrayBuffers;
}
