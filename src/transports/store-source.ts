// A stored image as an ImageSource for a push: its own manifest byte for byte when the store holds every blob it names,
// else a Docker schema2 manifest over gzip layers (compressed once, as they upload where the destination can, and remembered).
import type { Readable } from 'node:stream';
import { sha256Of, type Digest } from '../digest/digest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { Descriptor, ImageManifest } from '../oci/types.ts';
import type { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';
import { getImageRecord, type ImageRecord } from '../images/image-records.ts';
import { NotFoundError } from '../errors.ts';
import { gzipLayer, openGzipLayer, plainLayerDescriptor, storedGzipLayer } from './gzip-layers.ts';
import type { ImageSource, LayerEncoding, ManifestBytes } from './image-transport.ts';
import { localImage, type ImageManifestView } from './local-image.ts';

export function storeSource(store: Store, imageId: Digest, options: { lease: Lease }): ImageSource {
  // Read once: both the layers to encode and the manifest turn on whether the image goes out as it came.
  let seen: Promise<{ view: ImageManifestView; own: ManifestBytes | undefined }> | undefined;
  const image = () => (seen ??= localImage(store, imageId).then(async (view) => ({ view, own: await ownManifest(store, imageId, view, options.lease) })));
  let manifest: Promise<ManifestBytes> | undefined;
  return {
    manifest: () => (manifest ??= image().then(({ view, own }) => own ?? gzipManifest(store, imageId, view, options.lease))),
    blob: async (descriptor: Descriptor): Promise<Readable> => store.content.read(descriptor.digest),
    layersToEncode: async () => ((await image()).own ? [] : layersToEncode(store, imageId, options.lease)),
    close: async () => undefined,
  };
}

/** The image as it came, when it came with a manifest whose blobs are all here: it goes out so, with the same digest everywhere. */
async function ownManifest(store: Store, imageId: Digest, view: ImageManifestView, lease: Lease): Promise<ManifestBytes | undefined> {
  const blobs = [view.config, ...view.layers];
  blobs.forEach((blob) => lease.add(blob.digest));
  const record = requireRecord(store, imageId);
  const present = await Promise.all(blobs.map((blob) => store.content.has(blob.digest)));
  if (record.manifestDigest !== view.manifestDigest || !present.every(Boolean)) return undefined;
  return { bytes: view.manifestBytes, digest: view.manifestDigest, mediaType: view.manifestMediaType };
}

/** The layers of an image without a manifest of its own that have no gzip encoding yet (each layer once). */
async function layersToEncode(store: Store, imageId: Digest, lease: Lease): Promise<LayerEncoding[]> {
  const missing: Digest[] = [];
  for (const diffId of new Set(requireRecord(store, imageId).diffIds)) if (!(await storedGzipLayer(store, diffId, lease))) missing.push(diffId);
  return missing.map((diffId) => ({
    plain: plainLayerDescriptor(store, diffId),
    open: (onPlainBytes) => openGzipLayer(store, diffId, lease, onPlainBytes),
  }));
}

/** A Docker schema2 manifest over the layers' gzip encodings, for an image without a manifest of its own. */
async function gzipManifest(store: Store, imageId: Digest, view: ImageManifestView, lease: Lease): Promise<ManifestBytes> {
  // Settled, every one, before a failure is told: an encoding left running could race the lease's clean-up.
  const settled = await Promise.allSettled(requireRecord(store, imageId).diffIds.map((diffId) => gzipLayer(store, diffId, lease)));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  const layers = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
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

function requireRecord(store: Store, imageId: Digest): ImageRecord {
  const record = getImageRecord(store, imageId);
  if (!record) throw new NotFoundError(`No such image: ${imageId}`);
  return record;
}
