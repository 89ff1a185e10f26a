// A repository of a registry as an ImageDestination: blobs it has are skipped, others mounted from a sibling repository or uploaded.
import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/types.ts';
import type { Repository } from '../registry/client/repository.ts';
import type { ImageDestination, ManifestBytes, PutManifestOptions } from './image-transport.ts';

export interface RegistryDestinationOptions {
  /** The tag the top-level manifest gets; without one it is pushed by digest only. */
  tag?: string;
  /** Other repositories of the same registry known to hold a blob, to mount it from instead of uploading. */
  mountSources?: (descriptor: Descriptor) => string[];
  /** Told when a blob was mounted rather than uploaded (Docker prints `Mounted from team/other`). */
  onMounted?: (descriptor: Descriptor, from: string) => void;
  /** Upload in PATCH chunks of this many bytes instead of one PUT. */
  chunkBytes?: number;
}

export function registryDestination(repository: Repository, options: RegistryDestinationOptions = {}): ImageDestination {
  return {
    hasBlob: async (descriptor) => (await repository.hasBlob(descriptor)) || (await mountFromSibling(repository, descriptor, options)),
    putBlob: (descriptor: Descriptor, content: Readable) => repository.upload(descriptor, content, { chunkBytes: options.chunkBytes }),
    putBlobAsMade: (content: Readable, described: Promise<Descriptor>) => repository.uploadAsMade(content, described, { chunkBytes: options.chunkBytes }),
    putManifest: async (manifest: ManifestBytes, { topLevel }: PutManifestOptions) => {
      await repository.putManifest(topLevel && options.tag ? options.tag : manifest.digest, manifest);
    },
    commit: async () => undefined,
    close: async () => undefined,
  };
}

async function mountFromSibling(repository: Repository, descriptor: Descriptor, options: RegistryDestinationOptions): Promise<boolean> {
  for (const from of options.mountSources?.(descriptor) ?? []) {
    if (from === repository.name) continue;
    if (await repository.mount(descriptor, from)) {
      options.onMounted?.(descriptor, from);
      return true;
    }
  }
  return false;
}
