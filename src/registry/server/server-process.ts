// The long-running server process's own settings: V8 flags and libuv's pool, and prompt collection of streamed buffers.
//
// Socket reads of an upload are garbage the moment they are on disk, but V8 only collects them once its
// external-memory limit (~64 MB over the last collection) is reached; a scavenge every few MiB streamed frees them
// early. And the CLI's start-up flags favour short runs (a large young generation), which a server under a steady
// request load would grow to ~50 MB; the server re-executes itself with its own flags before it starts.

const BYTES_PER_SCAVENGE = 8 << 20;
const SERVER_FLAGS = ['--max-semi-space-size=2', '--expose-gc'];

type Gc = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

let pending = 0;

/** Replaces this process (same PID) with one running the server's V8 flags; returns only when they are in effect. */
export function execWithServerFlags(): void {
  if (SERVER_FLAGS.every((flag) => process.execArgv.includes(flag))) return;
  const inherited = process.execArgv.filter((flag) => !flag.startsWith('--min-semi-space-size') && !flag.startsWith('--max-semi-space-size'));
  // fsyncs of committed blobs hold libuv pool threads, so more than Node's four; and file writes go through the
  // pool, not io_uring, which may run a buffered write inline and so stall the event loop in dirty-page throttling
  const env = { UV_THREADPOOL_SIZE: '16', UV_USE_IO_URING: '0', ...process.env };
  process.execve?.(process.execPath, [process.execPath, ...inherited, ...SERVER_FLAGS, ...process.argv.slice(1)], env);
}

/** Counts bytes that just went through; collects young garbage once enough has passed. */
export function noteStreamedBytes(bytes: number): void {
  const collect = (globalThis as { gc?: Gc }).gc;
  if (!collect) return;
  pending += bytes;
  if (pending < BYTES_PER_SCAVENGE) return;
  pending = 0;
  collect?.({ type: 'minor', execution: 'sync' });
}
