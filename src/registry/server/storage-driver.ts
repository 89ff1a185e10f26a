// The storage driver contract: bytes at paths, so that a filesystem driver and an object-store driver are interchangeable.
//
// Lifecycle of content: small files are written whole with putContent (atomic: readers see the old bytes or the
// new, never a part). Large content is appended with appendStream to a staging path (an upload), then made durable
// and visible in one step with move — the only way a blob appears. Nothing partially written is ever at a final path.
// A read-only registry is handed only a StorageReader: it has no write method to call.
import type { Readable, Writable } from 'node:stream';
import { NotFoundError } from '../../errors.ts';

export interface FileInfo {
  size: number;
  modifiedMs: number;
  isDirectory: boolean;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface StorageReader {
  /** A small file's bytes (links, manifests). */
  getContent(path: string): Promise<Buffer>;
  /** Streams a file or a byte range of it. */
  reader(path: string, range?: ByteRange): Promise<Readable>;
  /** Writes a file or a byte range of it to `destination` (not ending it); resolves once every byte was taken. */
  send(path: string, destination: Writable, range?: ByteRange): Promise<void>;
  stat(path: string): Promise<FileInfo>;
  /** The names of a directory's direct children, sorted; [] for a missing directory. */
  list(path: string): Promise<string[]>;
}

export interface StorageWriter {
  /** Replaces a small file atomically. */
  putContent(path: string, content: Buffer | string): Promise<void>;
  /** Appends a stream to a file (created if missing), returning the bytes written; on error nothing is appended past what was durable. */
  appendStream(path: string, source: Readable): Promise<number>;
  /** Makes `from` durable and atomically visible at `to`, replacing what was there. */
  move(from: string, to: string): Promise<void>;
  /** Removes a file or a whole directory; a missing path is no error. */
  delete(path: string): Promise<void>;
  /** Refreshes a file's modification time (garbage collection spares recently touched content). */
  touch(path: string): Promise<void>;
}

export type StorageDriver = StorageReader & StorageWriter;

/** A path that does not exist. */
export class PathNotFoundError extends NotFoundError {}
