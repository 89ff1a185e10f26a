// Blobs of a repository: a blob is served from a repository only once linked into it (by an upload or a mount).
import type { Writable } from 'node:stream';
import type { Digest } from '../../digest/digest.ts';
import { RegistryError } from './error-codes.ts';
import { blobDataPath, layerDir, layerLinkPath } from './paths.ts';
import { PathNotFoundError, type ByteRange, type StorageDriver, type StorageReader } from './storage-driver.ts';

export class BlobReadService {
  protected readonly driver: StorageReader;

  constructor(driver: StorageReader) {
    this.driver = driver;
  }

  /** The blob's size; BLOB_UNKNOWN unless it is linked into the repository and present. */
  async size(name: string, digest: Digest): Promise<number> {
    try {
      await this.driver.stat(layerLinkPath(name, digest));
      return (await this.driver.stat(blobDataPath(digest))).size;
    } catch (error) {
      throw blobUnknown(error, digest);
    }
  }

  /** Writes the blob (or a range of it) to `destination`, which the caller ends. */
  async send(digest: Digest, destination: Writable, range?: ByteRange): Promise<void> {
    try {
      await this.driver.send(blobDataPath(digest), destination, range);
    } catch (error) {
      throw blobUnknown(error, digest);
    }
  }

  async isLinked(name: string, digest: Digest): Promise<boolean> {
    try {
      await this.driver.stat(layerLinkPath(name, digest));
      return true;
    } catch (error) {
      if (error instanceof PathNotFoundError) return false;
      throw error;
    }
  }
}

export class BlobService extends BlobReadService {
  declare protected readonly driver: StorageDriver;

  /** Links a present blob into a repository, refreshing it so a concurrent garbage collection spares it. */
  async link(name: string, digest: Digest): Promise<void> {
    try {
      await this.driver.touch(blobDataPath(digest));
    } catch (error) {
      throw blobUnknown(error, digest);
    }
    await this.driver.putContent(layerLinkPath(name, digest), digest);
  }

  /** Cross-repository mount: true when the blob was linked, false when `from` does not have it. */
  async mount(name: string, from: string, digest: Digest): Promise<boolean> {
    if (!(await this.isLinked(from, digest))) return false;
    try {
      await this.link(name, digest);
      return true;
    } catch (error) {
      if (error instanceof RegistryError) return false;
      throw error;
    }
  }

  /** Commits verified upload bytes as the blob (an identical blob already there is simply replaced) and links it. */
  async commit(name: string, stagedPath: string, digest: Digest): Promise<void> {
    await this.driver.move(stagedPath, blobDataPath(digest));
    await this.link(name, digest);
  }

  /** Unlinks the blob from the repository; its bytes stay until garbage collection finds nothing using them. */
  async unlink(name: string, digest: Digest): Promise<void> {
    if (!(await this.isLinked(name, digest))) throw new RegistryError('BLOB_UNKNOWN', { detail: { digest } });
    await this.driver.delete(layerDir(name, digest));
  }
}

function blobUnknown(error: unknown, digest: Digest): unknown {
  return error instanceof PathNotFoundError ? new RegistryError('BLOB_UNKNOWN', { detail: { digest }, cause: error }) : error;
}
