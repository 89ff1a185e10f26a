// Upload sessions: bytes appended in order to a staging file on disk, verified against the digest, committed as a blob.
//
// The session lives on disk (its size is its offset), so uploads resume across server restarts. The running hash is
// kept in memory only as a shortcut; after a restart, or for a sha512 digest, the staged bytes are hashed again.
import { createHash, type Hash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { digestAlgorithm, type Digest } from '../../digest/digest.ts';
import { noteStreamedBytes } from '../../streams/scavenge.ts';
import type { BlobService } from './blob-service.ts';
import { RegistryError } from './error-codes.ts';
import { uploadDataPath, uploadDir, uploadStartedAtPath } from './paths.ts';
import { PathNotFoundError, type StorageDriver } from './storage-driver.ts';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface HashState {
  hash: Hash;
  size: number;
}

export class UploadService {
  private readonly driver: StorageDriver;
  private readonly blobs: BlobService;
  private readonly hashes = new Map<string, HashState>();
  /** One request at a time per session: a second PATCH waits rather than interleaving bytes. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(driver: StorageDriver, blobs: BlobService) {
    this.driver = driver;
    this.blobs = blobs;
  }

  async start(name: string): Promise<string> {
    const id = randomUUID();
    await this.driver.putContent(uploadStartedAtPath(name, id), new Date().toISOString());
    return id;
  }

  /** The bytes received so far; BLOB_UPLOAD_UNKNOWN for a session that does not exist. */
  async offset(name: string, id: string): Promise<number> {
    await this.assertExists(name, id);
    try {
      return (await this.driver.stat(uploadDataPath(name, id))).size;
    } catch (error) {
      if (error instanceof PathNotFoundError) return 0;
      throw error;
    }
  }

  /** Appends a chunk that must start at the current offset (`start` from Content-Range); returns the new offset. */
  append(name: string, id: string, source: Readable, start?: number): Promise<number> {
    return this.locked(name, id, async () => {
      const offset = await this.offset(name, id);
      if (start !== undefined && start !== offset) {
        throw new RegistryError('RANGE_INVALID', { detail: { offset, start } });
      }
      return offset + (await this.appendHashed(name, id, offset, source));
    });
  }

  /** Appends the last chunk (if any), verifies the digest and commits the blob; on a mismatch the session is dropped. */
  finish(name: string, id: string, digest: Digest, source?: Readable): Promise<void> {
    return this.locked(name, id, async () => {
      const offset = await this.offset(name, id);
      const size = source ? offset + (await this.appendHashed(name, id, offset, source)) : offset;
      if (size === 0) await this.driver.putContent(uploadDataPath(name, id), '');
      const actual = await this.digestOf(name, id, digestAlgorithm(digest), size);
      if (actual !== digest) {
        await this.remove(name, id);
        throw new RegistryError('DIGEST_INVALID', { detail: { expected: digest, actual } });
      }
      await this.blobs.commit(name, uploadDataPath(name, id), digest);
      await this.remove(name, id);
    });
  }

  cancel(name: string, id: string): Promise<void> {
    return this.locked(name, id, async () => {
      await this.assertExists(name, id);
      await this.remove(name, id);
    });
  }

  private async assertExists(name: string, id: string): Promise<void> {
    if (!UPLOAD_ID.test(id)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', { detail: { id } });
    try {
      await this.driver.stat(uploadStartedAtPath(name, id));
    } catch (error) {
      if (error instanceof PathNotFoundError) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', { detail: { id }, cause: error });
      throw error;
    }
  }

  private async appendHashed(name: string, id: string, offset: number, source: Readable): Promise<number> {
    const key = `${name}@${id}`;
    const state = this.hashes.get(key) ?? (offset === 0 ? { hash: createHash('sha256'), size: 0 } : undefined);
    // a copy, so that a chunk that fails half-way leaves the saved state at the last whole chunk
    const hash = state && state.size === offset ? state.hash.copy() : undefined;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash?.update(chunk);
        noteStreamedBytes(chunk.length);
        done(null, chunk);
      },
    });
    source.on('error', (error) => tap.destroy(error));
    const written = await this.driver.appendStream(uploadDataPath(name, id), source.pipe(tap));
    if (hash) this.hashes.set(key, { hash, size: offset + written });
    return written;
  }

  private async digestOf(name: string, id: string, algorithm: string, size: number): Promise<Digest> {
    const state = this.hashes.get(`${name}@${id}`);
    if (algorithm === 'sha256' && state && state.size === size) return `sha256:${state.hash.digest('hex')}`;
    const hash = createHash(algorithm);
    for await (const chunk of await this.driver.reader(uploadDataPath(name, id))) hash.update(chunk as Buffer);
    return `${algorithm}:${hash.digest('hex')}`;
  }

  private async remove(name: string, id: string): Promise<void> {
    this.hashes.delete(`${name}@${id}`);
    await this.driver.delete(uploadDir(name, id));
  }

  private async locked<T>(name: string, id: string, action: () => Promise<T>): Promise<T> {
    const key = `${name}@${id}`;
    const previous = this.locks.get(key) ?? Promise.resolve();
    const current = previous.catch(() => {}).then(action);
    this.locks.set(key, current);
    try {
      return await current;
    } finally {
      if (this.locks.get(key) === current) this.locks.delete(key);
    }
  }
}
