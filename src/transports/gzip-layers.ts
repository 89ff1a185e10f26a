// The gzip encoding of a stored layer, made once and remembered in layer_blobs, so a second push sends it without compressing.
import type { Digest } from '../digest/digest.ts';
import { NotFoundError } from '../errors.ts';
import { decompressStream } from '../layers/compression.ts';
import { createParallelGzip } from '../layers/parallel-gzip.ts';
import { MediaType } from '../oci/media-types.ts';
import type { Descriptor } from '../oci/types.ts';
import type { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';

const GZIP_TYPES = [MediaType.dockerLayerGzip, MediaType.ociLayerGzip];

export async function gzipLayer(store: Store, diffId: Digest, lease: Lease): Promise<Descriptor> {
  const existing = storedEncodings(store, diffId).find((row) => GZIP_TYPES.includes(row.mediaType as (typeof GZIP_TYPES)[number]));
  if (existing) {
    lease.add(existing.digest);
    if (await store.content.has(existing.digest)) return gzipDescriptor(existing.digest, existing.size);
  }
  const source = storedEncodings(store, diffId)[0];
  if (!source) throw new NotFoundError(`layer ${diffId} has no stored blob (run wharf system check)`);
  const { stream } = await decompressStream(store.content.read(source.digest));
  const gzip = createParallelGzip();
  stream.on('error', (error: Error) => gzip.destroy(error));
  const blob = await store.content.ingest(stream.pipe(gzip), { lease, what: `layer ${diffId}` });
  store.db.transaction(() => {
    store.db.run('INSERT OR IGNORE INTO layer_blobs (blob_digest, diff_id, media_type, size) VALUES (?, ?, ?, ?)', blob.digest, diffId, MediaType.dockerLayerGzip, blob.size);
  });
  return gzipDescriptor(blob.digest, blob.size);
}

/** Docker's key order (mediaType, size, digest): the manifest's bytes, and so its digest, must not depend on the path taken. */
function gzipDescriptor(digest: Digest, size: number): Descriptor {
  return { mediaType: MediaType.dockerLayerGzip, size, digest };
}

function storedEncodings(store: Store, diffId: Digest): Descriptor[] {
  return store.db
    .all('SELECT blob_digest, media_type, size FROM layer_blobs WHERE diff_id = ? ORDER BY blob_digest', diffId)
    .map((row) => ({ digest: row.blob_digest as Digest, mediaType: String(row.media_type), size: Number(row.size) }));
}
