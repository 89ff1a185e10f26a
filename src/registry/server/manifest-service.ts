// Manifests of a repository: validated on push, stored as blobs, reachable by digest (a revision link) and by tag.
import { createHash } from 'node:crypto';
import { digestAlgorithm, isDigest, type Digest } from '../../digest/digest.ts';
import type { Descriptor } from '../../oci/types.ts';
import { RegistryError } from './error-codes.ts';
import { parseManifest, parseStoredManifest, storedMediaType, type ParsedManifest } from './manifest-format.ts';
import { blobDataPath, manifestRevisionDir, manifestRevisionLinkPath, referrerDir, referrerLinkPath } from './paths.ts';
import { PathNotFoundError, type StorageDriver } from './storage-driver.ts';
import type { BlobService } from './blob-service.ts';
import type { TagService } from './tag-service.ts';

/**
 * A push that has not linked its tag after this long fails instead: garbage collection spares whatever a push
 * touched within its grace period (see gc.ts), and this bound keeps every push well inside it.
 */
export const MAX_MANIFEST_PUT_MS = 60_000;

export interface StoredManifest {
  digest: Digest;
  bytes: Buffer;
  mediaType: string;
}

export interface PutResult {
  digest: Digest;
  subject?: Digest;
}

export class ManifestService {
  private readonly driver: StorageDriver;
  private readonly blobs: BlobService;
  private readonly tags: TagService;
  /** Manifest bytes by digest: immutable, so safe to keep; small, and capped. */
  private readonly cache = new Map<Digest, StoredManifest>();
  private cachedBytes = 0;

  constructor(driver: StorageDriver, blobs: BlobService, tags: TagService) {
    this.driver = driver;
    this.blobs = blobs;
    this.tags = tags;
  }

  /** A tag or digest to the manifest's digest; MANIFEST_UNKNOWN when the repository does not hold it. */
  async resolve(name: string, reference: string): Promise<Digest> {
    const digest = isDigest(reference) ? reference : await this.tags.resolve(name, reference);
    if (!(await this.exists(name, digest))) throw new RegistryError('MANIFEST_UNKNOWN', { detail: { reference } });
    return digest;
  }

  async get(name: string, reference: string): Promise<StoredManifest> {
    const digest = await this.resolve(name, reference);
    const cached = this.cache.get(digest);
    if (cached) return cached;
    let bytes: Buffer;
    try {
      bytes = await this.driver.getContent(blobDataPath(digest));
    } catch (error) {
      if (error instanceof PathNotFoundError) throw new RegistryError('MANIFEST_UNKNOWN', { detail: { reference }, cause: error });
      throw error;
    }
    return this.remember({ digest, bytes, mediaType: storedMediaType(bytes) });
  }

  async exists(name: string, digest: Digest): Promise<boolean> {
    try {
      await this.driver.stat(manifestRevisionLinkPath(name, digest));
      return true;
    } catch (error) {
      if (error instanceof PathNotFoundError) return false;
      throw error;
    }
  }

  /** Validates and stores a manifest under a tag or its digest; every blob and manifest it names must be in the repository. */
  async put(name: string, reference: string, bytes: Buffer, contentType: string | undefined): Promise<PutResult> {
    const started = Date.now();
    const manifest = parseManifest(bytes, contentType);
    const digest = digestOf(bytes, isDigest(reference) ? digestAlgorithm(reference) : 'sha256');
    if (isDigest(reference) && reference !== digest) {
      throw new RegistryError('DIGEST_INVALID', { message: 'manifest digest did not match the reference', detail: { reference, digest } });
    }
    await this.claimReferences(name, manifest);
    await this.driver.putContent(blobDataPath(digest), bytes);
    await this.driver.putContent(manifestRevisionLinkPath(name, digest), digest);
    if (manifest.subject) await this.driver.putContent(referrerLinkPath(name, manifest.subject.digest, digest), digest);
    if (!isDigest(reference)) {
      if (Date.now() - started > MAX_MANIFEST_PUT_MS) throw new RegistryError('UNAVAILABLE', { message: 'manifest push took too long; retry' });
      await this.tags.set(name, reference, digest);
    }
    return { digest, subject: manifest.subject?.digest };
  }

  /** By digest: the manifest leaves the repository with every tag on it. By tag: only that tag goes. */
  async delete(name: string, reference: string): Promise<void> {
    if (!isDigest(reference)) return await this.tags.remove(name, reference);
    const { bytes } = await this.get(name, reference);
    for (const tag of await this.tags.tagsOf(name, reference)) await this.tags.remove(name, tag).catch(() => {});
    const subject = parseStoredManifest(bytes).subject;
    if (subject) await this.driver.delete(referrerDir(name, subject.digest, reference));
    await this.driver.delete(manifestRevisionDir(name, reference));
  }

  // Checks that everything the manifest names is here, refreshing each so a concurrent GC keeps it (gc.ts).
  private async claimReferences(name: string, manifest: ParsedManifest): Promise<void> {
    for (const blob of manifest.blobs) {
      if (await this.blobs.isLinked(name, blob.digest)) await this.touchOrUnknown(blob);
      else if (!blob.urls?.length) throw blobUnknown(blob);
    }
    for (const child of manifest.manifests) {
      if (!(await this.exists(name, child.digest))) throw blobUnknown(child);
      await this.touchTree(child.digest, new Set());
    }
  }

  // An index's children may be untagged and old: their own blobs are refreshed too, so gc spares the whole tree.
  private async touchTree(digest: Digest, seen: Set<Digest>): Promise<void> {
    if (seen.has(digest)) return;
    seen.add(digest);
    await this.touchOrUnknown({ digest } as Descriptor);
    const child = parseStoredManifest(await this.driver.getContent(blobDataPath(digest)));
    for (const blob of child.blobs) await this.driver.touch(blobDataPath(blob.digest)).catch(() => {});
    for (const grandchild of child.manifests) await this.touchTree(grandchild.digest, seen);
  }

  private async touchOrUnknown(descriptor: Descriptor): Promise<void> {
    try {
      await this.driver.touch(blobDataPath(descriptor.digest));
    } catch (error) {
      if (error instanceof PathNotFoundError) throw blobUnknown(descriptor);
      throw error;
    }
  }

  private remember(manifest: StoredManifest): StoredManifest {
    if (this.cachedBytes > 32 << 20) {
      this.cache.clear();
      this.cachedBytes = 0;
    }
    this.cache.set(manifest.digest, manifest);
    this.cachedBytes += manifest.bytes.length;
    return manifest;
  }
}

function digestOf(bytes: Buffer, algorithm: string): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function blobUnknown(descriptor: Descriptor): RegistryError {
  return new RegistryError('MANIFEST_BLOB_UNKNOWN', { detail: { digest: descriptor.digest } });
}
