// Typed errors: each carries a Docker-style message and the exit code the CLI returns for it.

export interface WharfErrorOptions {
  exitCode?: number;
  cause?: unknown;
  /** Docker prefixes errors raised inside the daemon with "Error response from daemon: ". */
  fromDaemon?: boolean;
}

export class WharfError extends Error {
  readonly exitCode: number;
  readonly fromDaemon: boolean;

  constructor(message: string, options: WharfErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
    this.fromDaemon = options.fromDaemon ?? true;
  }
}

/** A name, ID or blob that does not exist. */
export class NotFoundError extends WharfError {}

/** An operation that would break a reference something else still holds (Docker's 409). */
export class ConflictError extends WharfError {}

/** An operation the engine never allows on what it owns itself, such as a built-in network (Docker's 403). */
export class ForbiddenError extends WharfError {}

/** Malformed user input: references, flags, filters, templates. */
export class InvalidArgumentError extends WharfError {}

/** Bytes that do not hash to the digest that names them. */
export class DigestMismatchError extends WharfError {}

/** A malformed, truncated or hostile archive, layer or manifest. */
export class InvalidContentError extends WharfError {}

/** A configured bound was crossed (sizes, entry counts, expansion ratio). */
export class LimitExceededError extends WharfError {}

/** Something Docker does that wharf does not do (yet): the Engine API's 501. */
export class NotImplementedError extends WharfError {}

/**
 * An error the daemon reports inside a JSON progress stream (push), which docker/cli prints bare, without the
 * "Error response from daemon" prefix it puts on a failed request.
 */
export function inStream(error: unknown): unknown {
  if (!(error instanceof WharfError) || !error.fromDaemon) return error;
  return new WharfError(error.message, { cause: error, exitCode: error.exitCode, fromDaemon: false });
}

/** Turns any thrown value into the one line the CLI prints. */
export function errorLine(error: unknown): string {
  if (error instanceof WharfError) {
    // docker/cli prints client-side errors bare; the daemon's come prefixed.
    return error.fromDaemon ? `Error response from daemon: ${error.message}` : error.message;
  }
  const errno = error as NodeJS.ErrnoException;
  if (errno?.syscall && errno.path && errno.code) return `${errno.syscall} ${errno.path}: ${ERRNO_TEXT[errno.code] ?? errno.code}`;
  const message = error instanceof Error ? error.message : String(error);
  return `Error: ${message}`;
}

/** A failed system call on a file, worded as Go words it (`write /x/y: no space left on device`). */
export class SystemError extends WharfError {}

/** Wraps an errno error with the file it concerns; other errors pass through. */
export function withPath(error: unknown, path: string): unknown {
  const errno = error as NodeJS.ErrnoException;
  if (!errno?.code || !errno.syscall || error instanceof WharfError) return error;
  return new SystemError(`${errno.syscall} ${errno.path ?? path}: ${ERRNO_TEXT[errno.code] ?? errno.code}`, { cause: error });
}

/** How Go (and so Docker) words the errno values users meet most. */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
};
