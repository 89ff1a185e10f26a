// A stored image as an ImageSource for a push: its own manifest byte for byte when the store holds every blob it names,
// else a Docker schema2 manifest over gzip layers (compressed once, in parallel, and remembered).
import type { Readable } from 'node:stream';
import { sha256Of, type Digest } from '../digest/digest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { Descriptor, ImageManifest } from '../oci/types.ts';
import type { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';
import { getImageRecord } from '../images/image-records.ts';
import { NotFoundError } from '../errors.ts';
import { gzipLayer } from './gzip-layers.ts';
import type { ImageSource, ManifestBytes } from './image-transport.ts';
import { localImage } from './local-image.ts';

export function storeSource(store: Store, imageId: Digest, options: { lease: Lease }): ImageSource {
  let manifest: Promise<ManifestBytes> | undefined;
  return {
    manifest: () => (manifest ??= pushManifest(store, imageId, options.lease)),
    blob: async (descriptor: Descriptor): Promise<Readable> => store.content.read(descriptor.digest),
    close: async () => undefined,
  };
}

async function pushManifest(store: Store, imageId: Digest, lease: Lease): Promise<ManifestBytes> {
  const view = await localImage(store, imageId);
  const blobs = [view.config, ...view.layers];
  blobs.forEach((blob) => lease.add(blob.digest));
  const record = getImageRecord(store, imageId);
  if (!record) throw new NotFoundError(`No such image: ${imageId}`);
  const present = await Promise.all(blobs.map((blob) => store.content.has(blob.digest)));
  // An image that came with a manifest goes out with it, so its digest is the same in every registry.
  if (record.manifestDigest === view.manifestDigest && present.every(Boolean)) {
    return { bytes: view.manifestBytes, digest: view.manifestDigest, mediaType: view.manifestMediaType };
  }
  const layers = await Promise.all(record.diffIds.map((diffId) => gzipLayer(store, diffId, lease)));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, size: view.config.size, digest: view.config.digest },
    layers,
  };
  // Docker's own layout of a schema2 manifest (three-space indentation), so it reads the same in a registry.
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  return { bytes, digest: sha256Of(bytes), mediaType: MediaType.dockerManifest };
}
