// Content store: immutable blobs by digest under blobs/<algorithm>/<hex>.
// Lifecycle of a write: ingest(source, { expected }) streams into ingest/<pid>-<random> while hashing,
// then verifies digest and size, fsyncs, and renames into place. A blob is invisible until that
// rename, so readers never see a partial blob; two writers of one digest both succeed and leave one copy.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import { digestAlgorithm, digestHex, type Digest } from '../digest/digest.ts';
import { HashingStream, assertDigest } from '../digest/hashing-stream.ts';
import { InvalidContentError, NotFoundError } from '../errors.ts';

export interface IngestOptions {
  /** The digest the bytes must hash to; the write fails and leaves nothing when they don't. */
  expected?: Digest;
  expectedSize?: number;
  /** Extra consumers of the same bytes (a layer scanner, say), fed as the bytes pass. */
  tap?: Writable;
  /** Names the content in errors ("layer sha256:…", "config"). */
  what?: string;
  /** Protects the blob from garbage collection from before it becomes visible. */
  lease?: { add(digest: Digest): void };
}

export interface BlobInfo {
  digest: Digest;
  size: number;
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

  async init(): Promise<void> {
    await mkdir(path.join(this.root, 'blobs', 'sha256'), { recursive: true });
    await mkdir(this.ingestDir(), { recursive: true });
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const stats = await stat(this.blobPath(digest));
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
    const stream = createReadStream(this.blobPath(digest));
    stream.on('error', (error) => {
      if (isNotFound(error)) stream.emit('error', new NotFoundError(`blob ${digest} not found in the content store`));
    });
    return stream;
  }

  async readBytes(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.blobPath(digest));
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError(`blob ${digest} not found in the content store`, { cause: error });
      throw error;
    }
  }

  /** Streams `source` into the store; resolves once the blob is verified, durable and visible. */
  async ingest(source: Readable, options: IngestOptions = {}): Promise<BlobInfo> {
    const temp = path.join(this.ingestDir(), `${process.pid}-${randomBytes(8).toString('hex')}`);
    const hashing = new HashingStream(options.expected ? digestAlgorithm(options.expected) : 'sha256');
    try {
      // flush: the file is fsynced before the stream closes, so the rename below never publishes unsynced bytes.
      const sink = createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true });
      if (options.tap) {
        // A tap that rejects the content (a hostile layer, say) aborts the whole write.
        options.tap.on('error', (error) => hashing.destroy(error));
        hashing.pipe(options.tap);
      }
      await pipeline(source, hashing, sink);
      const digest = hashing.digest();
      const what = options.what ?? 'blob';
      if (options.expected) assertDigest(digest, options.expected, what);
      if (options.expectedSize !== undefined && hashing.size !== options.expectedSize) {
        throw new InvalidContentError(`${what}: size mismatch: expected ${options.expectedSize} bytes, got ${hashing.size}`);
      }
      options.lease?.add(digest);
      await this.commit(temp, digest);
      return { digest, size: hashing.size };
    } finally {
      await rm(temp, { force: true });
    }
  }

  async ingestBytes(data: Buffer, options: IngestOptions = {}): Promise<BlobInfo> {
    return this.ingest(Readable.from([data]), options);
  }

  private async commit(temp: string, digest: Digest): Promise<void> {
    const target = this.blobPath(digest);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(temp, target);
    await syncDirectory(path.dirname(target));
  }

  async delete(digest: Digest): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  async *list(): AsyncGenerator<Digest> {
    const blobs = path.join(this.root, 'blobs');
    for (const algorithm of await readdir(blobs)) {
      for (const hex of await readdir(path.join(blobs, algorithm))) yield `${algorithm}:${hex}`;
    }
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
