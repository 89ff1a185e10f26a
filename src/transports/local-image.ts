// An image in the local store seen as registries and archives see it: a manifest, a config, layer blobs.
// Images that came with a manifest keep its exact bytes; the others get the OCI manifest Docker 25+
// writes on save (uncompressed layers), which is deterministic, so repeated saves give one digest.
import { sha256Of, type Digest } from '../digest/digest.ts';
import { NotFoundError } from '../errors.ts';
import { MediaType } from '../oci/media-types.ts';
import type { Descriptor, ImageManifest } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { getImageRecord } from '../images/image-records.ts';

export interface ImageManifestView {
  manifestDigest: Digest;
  manifestMediaType: string;
  manifestBytes: Buffer;
  config: Descriptor;
  layers: Descriptor[];
}

export async function localImage(store: Store, id: Digest): Promise<ImageManifestView> {
  const record = getImageRecord(store, id);
  if (!record) throw new NotFoundError(`No such image: ${id}`);
  if (record.manifestDigest && (await store.content.has(record.manifestDigest))) {
    const bytes = await store.content.readBytes(record.manifestDigest);
    const manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest;
    return { manifestDigest: record.manifestDigest, manifestMediaType: manifest.mediaType ?? MediaType.ociManifest, manifestBytes: bytes, config: manifest.config, layers: manifest.layers };
  }
  const configInfo = await store.content.info(id);
  if (!configInfo) throw new NotFoundError(`image config ${id} is missing from the content store (run wharf system check)`);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: id, size: configInfo.size },
    layers: record.diffIds.map((diffId) => layerDescriptor(store, diffId)),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { manifestDigest: sha256Of(bytes), manifestMediaType: MediaType.ociManifest, manifestBytes: bytes, config: manifest.config, layers: manifest.layers };
}

/** Prefers the uncompressed encoding of a layer, as Docker's save does. */
function layerDescriptor(store: Store, diffId: Digest): Descriptor {
  const rows = store.db.all('SELECT blob_digest, media_type, size FROM layer_blobs WHERE diff_id = ?', diffId);
  const row = rows.find((candidate) => candidate.blob_digest === diffId) ?? rows[0];
  if (!row) throw new NotFoundError(`layer ${diffId} has no stored blob (run wharf system check)`);
  return { mediaType: String(row.media_type), digest: row.blob_digest as Digest, size: Number(row.size) };
}
