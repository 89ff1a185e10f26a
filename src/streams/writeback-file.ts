// A file write stream that starts the disk's writeback as it goes, so the fsync that makes the file durable finds little left to do.
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

const fsp = () => process.getBuiltinModule('node:fs/promises');

/**
 * Bytes written between two datasyncs. Linux leaves dirty pages alone until gigabytes pile up (a tenth of memory), so
 * without these a big write ends in one fsync that does all the disk's work at the end, while nothing else moves.
 */
const WRITEBACK_BYTES = 32 << 20;

export interface WritebackFileOptions {
  /** `wx` for a new file, `a` to append. */
  flags: string;
  mode?: number;
  highWaterMark?: number;
}

/**
 * Starts the disk's writeback of a file being written: one datasync in flight at a time, never awaited by the writes,
 * after every WRITEBACK_BYTES. `settled()` waits for the one in flight; a failed datasync fails it.
 */
export class WritebackPacer {
  private readonly handle: FileHandle;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(handle: FileHandle) {
    this.handle = handle;
  }

  /** Counts bytes just written; starts a datasync once enough piled up and none is in flight. Throws what a datasync met. */
  wrote(bytes: number): void {
    if (this.failure) throw this.failure;
    this.unsynced += bytes;
    if (this.syncing || this.unsynced < WRITEBACK_BYTES) return;
    this.unsynced = 0;
    this.syncing = this.handle.datasync().then(
      () => void (this.syncing = undefined),
      (error: Error) => void ((this.syncing = undefined), (this.failure = error)),
    );
  }

  async settled(): Promise<void> {
    await this.syncing;
    if (this.failure) throw this.failure;
  }
}

export class WritebackFile extends Writable {
  bytesWritten = 0;
  private readonly path: string;
  private readonly options: WritebackFileOptions;
  private handle: FileHandle | undefined;
  private pacer: WritebackPacer | undefined;

  constructor(path: string, options: WritebackFileOptions) {
    super({ highWaterMark: options.highWaterMark });
    this.path = path;
    this.options = options;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    fsp()
      .open(this.path, this.options.flags, this.options.mode)
      .then((handle) => void ((this.handle = handle), (this.pacer = new WritebackPacer(handle)), callback()), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.handle!.writev(chunks.map(({ chunk }) => chunk))
      .then(({ bytesWritten }) => {
        this.bytesWritten += bytesWritten;
        this.pacer!.wrote(bytesWritten);
      })
      .then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.pacer!.settled().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    Promise.resolve(this.pacer?.settled())
      .catch(() => undefined)
      .then(() => handle?.close())
      .then(() => callback(error), (closeError: Error) => callback(error ?? closeError));
  }
}
