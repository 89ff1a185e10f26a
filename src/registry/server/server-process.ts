// The long-running server process's own settings: V8 flags and libuv's pool.
//
// The CLI's start-up flags favour short runs (a large young generation), which a server under a steady request
// load would grow to ~50 MB; the server re-executes itself with its own flags before it starts.

const SERVER_FLAGS = ['--max-semi-space-size=2'];
/** The CLI's heap sizes, which the server replaces with V8's defaults or its own. */
const SIZED_BY_THE_CLI = ['--min-semi-space-size', '--max-semi-space-size'];

/** Replaces this process (same PID) with one running the server's V8 flags; returns only when they are in effect. */
export function execWithServerFlags(): void {
  if (SERVER_FLAGS.every((flag) => process.execArgv.includes(flag))) return;
  const inherited = process.execArgv.filter((flag) => !SIZED_BY_THE_CLI.some((name) => flag.startsWith(name)));
  // fsyncs of committed blobs hold libuv pool threads, so more than Node's four; and file writes go through the
  // pool, not io_uring, which may run a buffered write inline and so stall the event loop in dirty-page throttling
  const env = { UV_THREADPOOL_SIZE: '16', UV_USE_IO_URING: '0', ...process.env };
  process.execve?.(process.execPath, [process.execPath, ...inherited, ...SERVER_FLAGS, ...process.argv.slice(1)], env);
}
