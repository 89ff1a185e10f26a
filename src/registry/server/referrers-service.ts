// The referrers API: manifests whose `subject` is a given digest, as an OCI index, optionally filtered by artifactType.
import { isDigest, type Digest } from '../../digest/digest.ts';
import { MediaType } from '../../oci/media-types.ts';
import type { Descriptor } from '../../oci/types.ts';
import { artifactTypeOf } from './manifest-format.ts';
import type { ManifestService } from './manifest-service.ts';
import { referrersDir } from './paths.ts';
import type { StorageReader } from './storage-driver.ts';
import { RegistryError } from './error-codes.ts';

export interface ReferrersIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

export class ReferrersService {
  private readonly driver: StorageReader;
  private readonly manifests: ManifestService;

  constructor(driver: StorageReader, manifests: ManifestService) {
    this.driver = driver;
    this.manifests = manifests;
  }

  /** An unknown subject has no referrers: an empty index, not an error (the spec's rule). */
  async list(name: string, subject: Digest, artifactType?: string): Promise<ReferrersIndex> {
    const descriptors: Descriptor[] = [];
    for (const digest of await this.referrerDigests(name, subject)) {
      const descriptor = await this.describe(name, digest);
      if (descriptor && (artifactType === undefined || descriptor.artifactType === artifactType)) descriptors.push(descriptor);
    }
    return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: descriptors };
  }

  /** Every referrer digest of a subject (garbage collection follows these from a kept manifest). */
  async referrerDigests(name: string, subject: Digest): Promise<Digest[]> {
    const dir = referrersDir(name, subject);
    const digests: Digest[] = [];
    for (const algorithm of await this.driver.list(dir)) {
      for (const hex of await this.driver.list(`${dir}/${algorithm}`)) {
        const digest = `${algorithm}:${hex}`;
        if (isDigest(digest)) digests.push(digest);
      }
    }
    return digests;
  }

  // A referrer deleted meanwhile is left out rather than failing the listing.
  private async describe(name: string, digest: Digest): Promise<Descriptor | undefined> {
    try {
      const { bytes, mediaType } = await this.manifests.get(name, digest);
      const descriptor: Descriptor = { mediaType, digest, size: bytes.length };
      const artifactType = artifactTypeOf(bytes);
      if (artifactType) descriptor.artifactType = artifactType;
      const annotations = (JSON.parse(bytes.toString('utf8')) as { annotations?: Record<string, string> }).annotations;
      if (annotations) descriptor.annotations = annotations;
      return descriptor;
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'MANIFEST_UNKNOWN') return undefined;
      throw error;
    }
  }
}
