// The gzip encoding of a stored layer, made once and remembered in layer_blobs, so a second push sends it without compressing.
import { PassThrough, type Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import { NotFoundError } from '../errors.ts';
import { decompressStream } from '../layers/compression.ts';
import { createParallelGzip } from '../layers/parallel-gzip.ts';
import { MediaType } from '../oci/media-types.ts';
import type { Descriptor } from '../oci/types.ts';
import type { MadeLayer } from './image-transport.ts';
import type { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';

const GZIP_TYPES = [MediaType.dockerLayerGzip, MediaType.ociLayerGzip];

/** The layer's stored gzip encoding, leased, or undefined when it has none yet. */
export async function storedGzipLayer(store: Store, diffId: Digest, lease: Lease): Promise<Descriptor | undefined> {
  const existing = storedEncodings(store, diffId).find((row) => GZIP_TYPES.includes(row.mediaType as (typeof GZIP_TYPES)[number]));
  if (!existing) return undefined;
  lease.add(existing.digest);
  return (await store.content.has(existing.digest)) ? gzipDescriptor(existing.digest, existing.size) : undefined;
}

/** The layer's gzip encoding, made and stored first when it has none. */
export async function gzipLayer(store: Store, diffId: Digest, lease: Lease): Promise<Descriptor> {
  const stored = await storedGzipLayer(store, diffId, lease);
  if (stored) return stored;
  const { stream, encoded } = await openGzipLayer(store, diffId, lease);
  stream.resume();
  return encoded;
}

/**
 * Compresses the stored layer: `stream` gives the gzip bytes as they are made (for an upload to read at once),
 * `described` resolves once they are all made and hashed, and `encoded` once the store holds them, verified,
 * durable and recorded. The store keeps pace with the reader.
 */
export async function openGzipLayer(store: Store, diffId: Digest, lease: Lease, onPlainBytes?: (bytes: number) => void): Promise<MadeLayer> {
  const source = await presentEncoding(store, diffId);
  const { stream: plain } = await decompressStream(store.content.read(source.digest));
  if (onPlainBytes) {
    let read = 0;
    plain.on('data', (chunk: Buffer) => onPlainBytes((read += chunk.length)));
  }
  const gzip = createParallelGzip();
  plain.on('error', (error: Error) => gzip.destroy(error));
  const output = new PassThrough();
  const sizeHint = plainLayerDescriptor(store, diffId).size;
  const written = store.content.write(plain.pipe(gzip), { lease, what: `layer ${diffId}`, tap: output, sizeHint });
  const encoded = written.then(async (pending) => {
    const blob = await pending.commit();
    // Not fsynced: lost to a crash, the row only costs the next push a gzip again (its blob goes at the next GC), and
    // an fsync here waits for every dirty page of the disk, the registry's uploads included (~150 ms a layer).
    store.db.transaction(() => {
      store.db.run('INSERT OR IGNORE INTO layer_blobs (blob_digest, diff_id, media_type, size) VALUES (?, ?, ?, ?)', blob.digest, diffId, MediaType.dockerLayerGzip, blob.size);
    }, { durable: false });
    return gzipDescriptor(blob.digest, blob.size);
  });
  // The reader must not wait for the rest of a stream the store gave up on.
  encoded.catch((error: unknown) => output.destroy(error as Error));
  const described = written.then((blob) => gzipDescriptor(blob.digest, blob.size));
  // Told through `encoded` (and so the stream); an upload that failed first never asks for the digest.
  described.catch(() => undefined);
  return { stream: output, described, encoded };
}

/** Docker's key order (mediaType, size, digest): the manifest's bytes, and so its digest, must not depend on the path taken. */
function gzipDescriptor(digest: Digest, size: number): Descriptor {
  return { mediaType: MediaType.dockerLayerGzip, size, digest };
}

/** The layer's uncompressed tar as a descriptor: what a push shows before the gzip encoding exists. */
export function plainLayerDescriptor(store: Store, diffId: Digest): Descriptor {
  const row = store.db.get('SELECT tar_size FROM layers WHERE diff_id = ?', diffId);
  if (!row) throw new NotFoundError(`layer ${diffId} is not in the store (run wharf system check)`);
  return { mediaType: MediaType.ociLayer, size: Number(row.tar_size), digest: diffId };
}

/** An encoding of the layer whose blob is there to read: a row can outlive its blob after a crash, until `system check --repair`. */
async function presentEncoding(store: Store, diffId: Digest): Promise<Descriptor> {
  for (const encoding of storedEncodings(store, diffId)) if (await store.content.has(encoding.digest)) return encoding;
  throw new NotFoundError(`layer ${diffId} has no stored blob (run wharf system check)`);
}

function storedEncodings(store: Store, diffId: Digest): Descriptor[] {
  return store.db
    .all('SELECT blob_digest, media_type, size FROM layer_blobs WHERE diff_id = ? ORDER BY blob_digest', diffId)
    .map((row) => ({ digest: row.blob_digest as Digest, mediaType: String(row.media_type), size: Number(row.size) }));
}
