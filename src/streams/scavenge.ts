// Prompt collection of streamed buffers: each chunk read from a file or socket is garbage once it is hashed and written, but V8 frees such buffers only at its external-memory limit (~64 MB past the last collection); a scavenge every few MiB keeps a long stream's memory flat.

const BYTES_PER_SCAVENGE = 8 << 20;

/**
 * A chunk that waits out two scavenges (behind a slow write or a socket, say) is promoted to the old generation, where a
 * scavenge no longer frees it. In a process that asked for it (collectPromotedBuffers), a full collection runs when
 * buffer memory is over HELD_BUFFER_FLOOR and has grown PROMOTED_BUFFER_BYTES past what the last one left, at most once
 * per FULL_COLLECTION_GAP streamed. Interleaved runs of a 1 GB load: peak RSS 113-115 MB against 131-143 MB with a
 * 48 MiB floor, 16 MiB of growth and a 64 MiB gap (and 135-150 MB with no full collections); a loaded image's push
 * 161-169 MB against 176-184 MB; both as fast.
 */
const HELD_BUFFER_FLOOR = 16 << 20;
const PROMOTED_BUFFER_BYTES = 8 << 20;
const FULL_COLLECTION_GAP = 32 << 20;

type Gc = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

let collector: Gc | undefined;
let pending = 0;
let fullCollections = false;
let streamedSinceFull = 0;
let buffersAfterFullCollection = 0;

/** Counts bytes that just went through; collects young garbage once enough has passed, and old garbage once promoted buffers pile up. */
export function noteStreamedBytes(bytes: number): void {
  pending += bytes;
  if (pending < BYTES_PER_SCAVENGE) return;
  pending = 0;
  const collect = (collector ??= exposedGc());
  collect({ type: 'minor', execution: 'sync' });
  if (!fullCollections) return;
  streamedSinceFull += BYTES_PER_SCAVENGE;
  if (streamedSinceFull < FULL_COLLECTION_GAP) return;
  // Measured against what the last full collection left, not a fixed ceiling: buffers really in use (a push's blocks in
  // flight, a server's uploads) must not make every scavenge a full collection.
  const held = process.memoryUsage().arrayBuffers;
  if (held < HELD_BUFFER_FLOOR || held < buffersAfterFullCollection + PROMOTED_BUFFER_BYTES) return;
  streamedSinceFull = 0;
  collect({ type: 'major', execution: 'sync' });
  buffersAfterFullCollection = process.memoryUsage().arrayBuffers;
}

/**
 * V8's gc(), exposed for a moment when a stream first needs it. Not with --expose-gc at start-up: V8 rejects the code
 * cache of Node's own modules when its flags differ from the build's, and every command then started ~5 ms slower.
 */
function exposedGc(): Gc {
  const { gc } = globalThis as { gc?: Gc };
  if (gc) return gc;
  const v8 = process.getBuiltinModule('node:v8');
  v8.setFlagsFromString('--expose-gc');
  try {
    return process.getBuiltinModule('node:vm').runInNewContext('gc') as Gc;
  } finally {
    // back to the flags the process started with, which code compiled from here on is cached under
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/**
 * For a process whose streams allocate a fresh buffer per chunk that outlives scavenges (a load's file reads, a push's
 * gzip blocks). Not for a pull, whose download chunks are reused: three or four full collections of ~10 ms each made a
 * 1 GB pull ~0.4 s slower in CPU, for causes V8 does not show.
 */
export function collectPromotedBuffers(): void {
  fullCollections = true;
}
