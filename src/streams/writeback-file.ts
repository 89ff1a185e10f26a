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

export class WritebackFile extends Writable {
  bytesWritten = 0;
  private readonly path: string;
  private readonly options: WritebackFileOptions;
  private handle: FileHandle | undefined;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;

  constructor(path: string, options: WritebackFileOptions) {
    super({ highWaterMark: options.highWaterMark });
    this.path = path;
    this.options = options;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    fsp()
      .open(this.path, this.options.flags, this.options.mode)
      .then((handle) => void ((this.handle = handle), callback()), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.handle!.writev(chunks.map(({ chunk }) => chunk)).then(({ bytesWritten }) => {
      this.bytesWritten += bytesWritten;
      this.unsynced += bytesWritten;
      this.startWriteback();
      callback();
    }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (this.syncing ?? Promise.resolve()).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    Promise.resolve(this.syncing)
      .catch(() => undefined)
      .then(() => handle?.close())
      .then(() => callback(error), (closeError: Error) => callback(error ?? closeError));
  }

  /** One datasync at a time, not awaited: writes go on while the disk catches up. */
  private startWriteback(): void {
    if (this.syncing || this.unsynced < WRITEBACK_BYTES) return;
    this.unsynced = 0;
    const sync = this.handle!.datasync();
    this.syncing = sync.then(
      () => void (this.syncing = undefined),
      (error: Error) => void ((this.syncing = undefined), this.destroy(error)),
    );
  }
}
