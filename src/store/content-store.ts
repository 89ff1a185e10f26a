// Content store: immutable blobs by digest under blobs/<algorithm>/<hex>.
// Lifecycle of a write: write(source, { expected }) streams into ingest/<pid>-<random> while hashing and
// verifies digest and size; commit() then fsyncs, takes the lease, and renames into place (ingest() does
// both). A blob is invisible until that rename, so readers never see a partial blob; two writers of one
// digest both succeed and leave one copy.
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { assertDigest, digestAlgorithm, digestHex, type Digest } from '../digest/digest.ts';
import { InvalidContentError, NotFoundError, withPath } from '../errors.ts';

// Node's fs fetched on use, not imported: an ES import of node:fs or node:fs/promises loads the promise API
// and readline behind it, ~2 ms of start-up that a command opening the store only to read the DB never uses.
const fs = () => process.getBuiltinModule('node:fs');
const fsp = () => process.getBuiltinModule('node:fs/promises');

export interface IngestOptions {
  /** The digest the bytes must hash to; the write fails and leaves nothing when they don't. */
  expected?: Digest;
  expectedSize?: number;
  /** Extra consumers of the same bytes (a layer scanner, say), fed as the bytes pass. */
  tap?: Tap;
  /** Names the content in errors ("layer sha256:…", "config"). */
  what?: string;
  /** Protects the blob from garbage collection from before it becomes visible. */
  lease?: { add(digest: Digest): void };
  /** The size the source announces (a tar header's); a big blob is hashed on a worker thread. */
  sizeHint?: number;
}

export type Tap = Writable & {
  /** How many of the blob's bytes, from its start, the tap is wholly done with: their memory may then be reused. */
  consumedBytes?(): number;
};

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/** A verified blob still in ingest/: `commit()` makes it durable and visible. */
export interface PendingBlob extends BlobInfo {
  commit(): Promise<BlobInfo>;
}

/** Checks a written blob against the digest and size the caller expected. */
export function verifyBlob(blob: BlobInfo, options: IngestOptions): void {
  const what = options.what ?? 'blob';
  if (options.expected) assertDigest(blob.digest, options.expected, what);
  if (options.expectedSize !== undefined && blob.size !== options.expectedSize) {
    throw new InvalidContentError(`${what}: size mismatch: expected ${options.expectedSize} bytes, got ${blob.size}`);
  }
}

export class ContentStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  blobPath(digest: Digest): string {
    return path.join(this.root, 'blobs', digestAlgorithm(digest), digestHex(digest));
  }

  ingestDir(): string {
    return path.join(this.root, 'ingest');
  }

  /** Synchronous: two mkdirs are cheaper than the event-loop round trips of their async forms at start-up. */
  init(): void {
    fs().mkdirSync(path.join(this.root, 'blobs', 'sha256'), { recursive: true });
    fs().mkdirSync(this.ingestDir(), { recursive: true });
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const stats = await fsp().stat(this.blobPath(digest));
      return { digest, size: stats.size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.info(digest)) !== undefined;
  }

  read(digest: Digest): Readable {
    const stream = fs().createReadStream(this.blobPath(digest), { highWaterMark: 1 << 20 });
    stream.on('error', (error) => {
      if (isNotFound(error)) stream.emit('error', new NotFoundError(`blob ${digest} not found in the content store`));
    });
    return stream;
  }

  async readBytes(digest: Digest): Promise<Buffer> {
    try {
      return await fsp().readFile(this.blobPath(digest));
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError(`blob ${digest} not found in the content store`, { cause: error });
      throw error;
    }
  }

  /** Streams `source` into the store; resolves once the blob is verified, durable and visible. */
  async ingest(source: Readable, options: IngestOptions = {}): Promise<BlobInfo> {
    return (await this.write(source, options)).commit();
  }

  /**
   * The first half of an ingest: streams and verifies into a temp file, not yet durable or visible.
   * Callers with many blobs (a load) go on reading their input while earlier blobs commit, so the
   * disk's fsyncs overlap the hashing instead of stalling it.
   */
  async write(source: Readable, options: IngestOptions = {}): Promise<PendingBlob> {
    // Loaded on the first write: the stream machinery it needs costs start-up time that a command only reading the store
    // (`images`) would pay for nothing.
    const { writeBlob } = await import('./blob-writer.ts');
    return writeBlob(this, source, options);
  }

  async ingestBytes(data: Buffer, options: IngestOptions = {}): Promise<BlobInfo> {
    const { Readable } = process.getBuiltinModule('node:stream');
    return this.ingest(Readable.from([data]), options);
  }

  /** fsync, lease, rename, fsync the directory: the blob is durable before anyone can see it. `temp` is gone afterwards. */
  async commit(temp: string, blob: BlobInfo, lease: IngestOptions['lease']): Promise<BlobInfo> {
    try {
      const handle = await fsp().open(temp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      lease?.add(blob.digest);
      const target = this.blobPath(blob.digest);
      await fsp().mkdir(path.dirname(target), { recursive: true });
      await fsp().rename(temp, target);
      await syncDirectory(path.dirname(target));
      return blob;
    } catch (error) {
      throw withPath(error, temp);
    } finally {
      await fsp().rm(temp, { force: true });
    }
  }

  async delete(digest: Digest): Promise<void> {
    await fsp().rm(this.blobPath(digest), { force: true });
  }

  async *list(): AsyncGenerator<Digest> {
    const blobs = path.join(this.root, 'blobs');
    for (const algorithm of await fsp().readdir(blobs)) {
      for (const hex of await fsp().readdir(path.join(blobs, algorithm))) yield `${algorithm}:${hex}`;
    }
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp().open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
