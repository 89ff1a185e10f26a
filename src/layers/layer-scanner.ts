// Reads an uncompressed layer tar once, streaming: enforces the tar rules and limits, and sizes it as Docker's overlay2 does.
import { Writable, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidContentError, WharfError } from '../errors.ts';
import { LayerTree } from './layer-tree.ts';
import { formatBytes, layerLimits, limitExceeded, type LayerLimits } from './limits.ts';
import { checkDataSize, checkSymlinkTarget, entryPath, hardlinkTarget, invalidEntry, whiteoutOf } from './tar-rules.ts';

export interface LayerScan {
  /**
   * Bytes the layer takes unpacked, as `docker image inspect` reports them (moby's pkg/directory.Size over the applied
   * diff): non-directories of non-zero size, hardlinks counted once, symlinks by their target's length, whiteouts as
   * nothing, and only the last version of a path listed twice.
   */
  size: number;
  entries: number;
}

export interface ScanOptions extends Partial<Pick<LayerLimits, 'maxEntries' | 'maxUncompressedBytes'>> {
  /** Names the layer in errors ("imported layer", an archive path). */
  what?: string;
}

const BLOCK = 512;

/**
 * A sink for the bytes of one uncompressed layer tar; bodies are drained, never kept. Lifecycle: write the tar → end →
 * result() resolves with the scan, or rejects with the first rule, limit or truncation error (which also destroys the
 * scanner). Being a Writable, it can be the content store's `tap`, so one read of the bytes feeds the hash, the file on
 * disk and this scan.
 */
export class LayerScanner extends Writable {
  private readonly limits: LayerLimits;
  private readonly what: string | undefined;
  // Go's tar reader (so Docker) accepts pre-POSIX v7 headers; tar-stream needs telling. Its option types omit the flag.
  private readonly extract = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  private readonly tree = new LayerTree();
  private readonly outcome: Promise<LayerScan>;
  private scan: LayerScan | undefined;
  private entries = 0;
  private bytes = 0;
  /** Offset just past the last entry's data; what follows must be the end-of-archive marker. */
  private dataEnd = 0;

  constructor(options: ScanOptions = {}) {
    super();
    this.limits = layerLimits(options);
    this.what = options.what;
    this.extract.on('entry', (header, body, next) => {
      // The extract's own error is the one reported.
      body.on('error', () => undefined);
      try {
        this.visit(header);
      } catch (error) {
        this.extract.destroy(error as Error);
        return;
      }
      body.on('end', () => next());
      body.resume();
    });
    this.extract.on('error', (error: Error) => this.destroy(this.asLayerError(error)));
    this.outcome = new Promise((resolve, reject) => {
      this.on('finish', () => resolve(this.scan!));
      this.on('error', reject);
      this.on('close', () => reject(new WharfError('layer scan was stopped before the layer ended')));
    });
    // Awaited through result(); this keeps a failure nobody asked about from being an unhandled rejection.
    this.outcome.catch(() => undefined);
  }

  result(): Promise<LayerScan> {
    return this.outcome;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxUncompressedBytes) {
      const max = formatBytes(this.limits.maxUncompressedBytes);
      done(this.inContext(limitExceeded('maxUncompressedBytes', `layer is larger than ${max} uncompressed`)));
    } else if (this.extract.write(chunk)) {
      done();
    } else {
      this.extract.once('drain', () => done());
    }
  }

  override _final(done: (error?: Error | null) => void): void {
    this.extract.once('finish', () => {
      // tar-stream accepts a tar that stops cleanly between entries; Docker's writers always end with zero blocks.
      if (this.bytes - this.dataEnd < BLOCK) return done(this.truncated('it ends without the end-of-archive marker'));
      this.scan = { size: this.tree.size(), entries: this.entries };
      done();
    });
    this.extract.end(null);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.extract.destroy();
    done(error);
  }

  private visit(header: tar.Header): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw limitExceeded('maxEntries', `layer has more than ${this.limits.maxEntries} entries`);
    }
    const { name, type } = header;
    const size = header.size ?? 0;
    const path = entryPath(name);
    checkDataSize(name, type, size);
    this.dataEnd = dataOffset(header) + (type === 'file' || type === 'contiguous-file' ? padded(size) : 0);
    const whiteout = whiteoutOf(name, path);
    // overlay2 turns `.wh.name` into a 0/0 character device and `.wh..wh..opq` into an xattr: neither has a size.
    if (whiteout?.kind === 'opaque') this.tree.ensureParents(name, path);
    else if (whiteout) this.tree.add(name, whiteout.path, 'other');
    else this.place(header, path);
  }

  private place({ name, type, linkname, size }: tar.Header, path: string): void {
    switch (type) {
      case 'directory':
        return this.tree.add(name, path, 'directory');
      case 'file':
      case 'contiguous-file':
        return this.tree.add(name, path, 'other', { size: size ?? 0 });
      case 'symlink':
        checkSymlinkTarget(name, path, linkname ?? '');
        return this.tree.add(name, path, 'symlink', { size: Buffer.byteLength(linkname ?? '') });
      case 'link':
        return this.tree.link(name, path, hardlinkTarget(name, linkname ?? ''));
      case 'character-device':
      case 'block-device':
      case 'fifo':
        return this.tree.add(name, path, 'other');
      default:
        throw invalidEntry(name, `has a type Docker cannot unpack (${(type as string | null) ?? 'unknown'})`);
    }
  }

  private asLayerError(error: Error): Error {
    if (error instanceof WharfError) return this.inContext(error);
    if (/unexpected end/i.test(error.message)) return this.truncated('it ends inside an entry');
    return this.inContext(new InvalidContentError(`invalid layer: not a valid tar (${error.message})`, { cause: error }));
  }

  private truncated(detail: string): Error {
    return this.inContext(new InvalidContentError(`layer tar is truncated: ${detail}`));
  }

  /** Prefixes the layer's name, keeping the error's class. */
  private inContext(error: WharfError): WharfError {
    if (!this.what) return error;
    const Class = error.constructor as new (message: string, options: { cause: unknown }) => WharfError;
    return new Class(`${this.what}: ${error.message}`, { cause: error });
  }
}

/** Scans a stream that someone else may also be reading (a tee); a refused layer destroys the source with the error. */
export function scanLayer(source: Readable, options: ScanOptions = {}): Promise<LayerScan> {
  const scanner = new LayerScanner(options);
  source.on('error', (error: Error) => scanner.destroy(error));
  scanner.on('error', (error: Error) => source.destroy(error));
  source.pipe(scanner);
  return scanner.result();
}

/** Where tar-stream found this entry's data; it sets `byteOffset` on every header (pinned tar-stream 3). */
function dataOffset(header: tar.Header): number {
  return (header as tar.Header & { byteOffset?: number }).byteOffset ?? 0;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
