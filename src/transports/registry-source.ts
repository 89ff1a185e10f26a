// A repository of a registry as an ImageSource: the reference's manifest, children of an index by digest, blobs as they stream.
import type { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import type { Descriptor } from '../oci/types.ts';
import type { Repository } from '../registry/client/repository.ts';
import type { ImageSource, ManifestBytes } from './image-transport.ts';

export function registrySource(repository: Repository, reference: string): ImageSource {
  let top: Promise<ManifestBytes> | undefined;
  return {
    manifest: (digest?: Digest) => (digest ? repository.manifest(digest) : (top ??= repository.manifest(reference))),
    blob: (descriptor: Descriptor): Promise<Readable> => repository.blob(descriptor),
    blobFrom: (descriptor: Descriptor, offset: number) => repository.blobFrom(descriptor, offset),
    close: async () => undefined,
  };
}
