// A stored image as an ImageSource for files (OCI layouts, docker archives): the manifest and blobs `wharf save` writes, uncompressed
// where the image came without a manifest, so copying it to a file costs no compression and gives save's digest.
import type { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import { NotFoundError } from '../errors.ts';
import type { Descriptor } from '../oci/types.ts';
import type { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';
import type { ImageSource, ManifestBytes } from './image-transport.ts';
import { localImage } from './local-image.ts';

export function savedImageSource(store: Store, imageId: Digest, options: { lease: Lease }): ImageSource {
  let manifest: Promise<ManifestBytes> | undefined;
  const load = async (): Promise<ManifestBytes> => {
    const view = await localImage(store, imageId);
    // Leased before they are read, so a concurrent prune cannot take a blob mid-copy.
    [view.config, ...view.layers].forEach((blob) => options.lease.add(blob.digest));
    return { bytes: view.manifestBytes, digest: view.manifestDigest, mediaType: view.manifestMediaType };
  };
  return {
    manifest: async (digest?: Digest) => {
      const top = await (manifest ??= load());
      if (digest && digest !== top.digest) throw new NotFoundError(`manifest ${digest} is not image ${imageId}'s`);
      return top;
    },
    blob: async (descriptor: Descriptor): Promise<Readable> => store.content.read(descriptor.digest),
    close: async () => undefined,
  };
}
