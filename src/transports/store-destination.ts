// The local store as an ImageDestination: layers are verified, decompressed and checked against the config's diff IDs in the
// same pass that stores them; the image, its tag and repo digest are recorded in one transaction only once all of it verified.
import type { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import { DigestMismatchError, InvalidArgumentError, InvalidContentError, LimitExceededError } from '../errors.ts';
import { insertImage, setTag, type LayerRecord } from '../images/image-records.ts';
import { isIndexMediaType } from '../oci/media-types.ts';
import { parseImageConfig } from '../oci/validate.ts';
import type { Descriptor } from '../oci/types.ts';
import type { IngestOptions, PendingBlob } from '../store/content-store.ts';
import type { Lease } from '../store/leases.ts';
import { writeResumable } from '../store/resumable-download.ts';
import type { Store } from '../store/store.ts';
import { MAX_ARCHIVE_JSON_BYTES } from './archive-reader.ts';
import { parseImageManifest } from './copy.ts';
import type { ImageDestination, ManifestBytes, PutManifestOptions } from './image-transport.ts';
import { LayerAnalysis, type LayerFacts } from './layer-analysis.ts';

export interface StoreDestinationOptions {
  lease: Lease;
  /** Canonical tag name the top-level image gets (`127.0.0.1:5000/team/busybox:v1`); none for a pull by digest. */
  tag?: string;
  /** Canonical repository (`127.0.0.1:5000/team/busybox`): the image's repo digest is `<repository>@<digest>`. */
  repository?: string;
  /** Called inside the transaction that records the top-level image, so what it logs (a pull's event) lands with it. */
  onRecorded?: () => void;
}

export interface StoredImage {
  id: Digest;
  manifestDigest: Digest;
  /** The image the tag pointed at before, when the tag moved. */
  previousTagTarget?: Digest;
  /** The tag already pointed at this image: nothing changed (Docker's "Image is up to date"). */
  upToDate: boolean;
}

export interface StoreDestination extends ImageDestination {
  /** The top-level image, once putManifest recorded it. */
  result(): StoredImage | undefined;
}

export function storeDestination(store: Store, options: StoreDestinationOptions): StoreDestination {
  const facts = new Map<Digest, LayerFacts>();
  let stored: StoredImage | undefined;
  return {
    hasBlob: (descriptor) => hasBlob(store, options.lease, descriptor),
    putBlob: async (descriptor, content) => {
      if (isConfig(descriptor)) await putJsonBlob(store, options.lease, descriptor, content);
      else facts.set(descriptor.digest, await putLayer(store, options.lease, descriptor, (ingest) => store.content.write(content, ingest)));
    },
    putBlobFrom: async (descriptor, open) => {
      if (isConfig(descriptor)) await putJsonBlob(store, options.lease, descriptor, (await open(0)).stream);
      else facts.set(descriptor.digest, await putLayer(store, options.lease, descriptor, (ingest) => writeResumable(store, descriptor.digest, open, ingest)));
    },
    putManifest: async (manifest, putOptions) => {
      const image = await putImageManifest(store, manifest, putOptions, { ...options, facts });
      if (putOptions.topLevel) stored = image;
    },
    commit: async () => undefined,
    close: async () => undefined,
    result: () => stored,
  };
}

function isConfig(descriptor: Descriptor): boolean {
  return descriptor.mediaType.endsWith('config.v1+json') || descriptor.mediaType.endsWith('container.image.v1+json');
}

/** A layer counts as present when its blob is stored and known as a layer; it is leased so no GC takes it before the record. */
async function hasBlob(store: Store, lease: Lease, descriptor: Descriptor): Promise<boolean> {
  if (!isConfig(descriptor) && !store.db.get('SELECT 1 FROM layer_blobs WHERE blob_digest = ?', descriptor.digest)) return false;
  lease.add(descriptor.digest);
  return store.content.has(descriptor.digest);
}

async function putJsonBlob(store: Store, lease: Lease, descriptor: Descriptor, content: Readable): Promise<void> {
  if (descriptor.size > MAX_ARCHIVE_JSON_BYTES) {
    content.destroy();
    throw new LimitExceededError(`config ${descriptor.digest} is ${descriptor.size} bytes, over the ${MAX_ARCHIVE_JSON_BYTES}-byte limit`);
  }
  await store.content.ingest(content, { expected: descriptor.digest, expectedSize: descriptor.size, lease, what: `config ${descriptor.digest}` });
}

/** Streams a layer into the store (`write`: a plain or a resumable write) while finding its diff ID and size. */
async function putLayer(store: Store, lease: Lease, descriptor: Descriptor, write: (options: IngestOptions) => Promise<PendingBlob>): Promise<LayerFacts> {
  const what = `layer ${descriptor.digest}`;
  const analysis = new LayerAnalysis({ what });
  let pending: PendingBlob;
  try {
    pending = await write({ expected: descriptor.digest, expectedSize: descriptor.size, tap: analysis, lease, what, sizeHint: descriptor.size });
  } catch (error) {
    // a cut-off attempt's tap would otherwise sit half-fed (its decompressor, scanner and hash) until the process
    // ends; the error is the write's, thrown below, so the tap's own copy of it needs no listener
    analysis.on('error', () => {});
    analysis.destroy(error as Error);
    throw error;
  }
  const layer = await analysis.result(pending);
  if (!layer) throw new InvalidContentError(`${what} is not a tar archive`);
  await pending.commit();
  return layer;
}

async function putImageManifest(
  store: Store,
  manifest: ManifestBytes,
  putOptions: PutManifestOptions,
  options: StoreDestinationOptions & { facts: Map<Digest, LayerFacts> },
): Promise<StoredImage> {
  if (isIndexMediaType(manifest.mediaType)) throw new InvalidArgumentError('the local store keeps one image per name: copy one platform, without --all');
  const parsed = parseImageManifest(manifest);
  const config = parseImageConfig(await store.content.readBytes(parsed.config.digest), parsed.config.digest);
  const layers = layerRecords(store, parsed.layers, config.rootfs.diff_ids, options.facts);
  await store.content.ingestBytes(manifest.bytes, { expected: manifest.digest, lease: options.lease, what: `manifest ${manifest.digest}` });
  const id = parsed.config.digest;
  const repoDigest = options.repository ? `${options.repository}@${(putOptions.index ?? manifest).digest}` : undefined;
  return store.db.transaction(() => {
    insertImage(store, { id, created: config.created, manifestDigest: manifest.digest, layers });
    const before = options.tag && putOptions.topLevel ? store.db.get('SELECT image_id FROM tags WHERE name = ?', options.tag)?.image_id : undefined;
    const previousTagTarget = options.tag && putOptions.topLevel ? setTag(store, options.tag, id, { touch: true, quiet: true }) : undefined;
    if (repoDigest && putOptions.topLevel) store.db.run('INSERT OR REPLACE INTO repo_digests (name, image_id) VALUES (?, ?)', repoDigest, id);
    if (putOptions.topLevel) options.onRecorded?.();
    options.lease.releaseWithin();
    return { id, manifestDigest: manifest.digest, previousTagTarget, upToDate: before === id };
  });
}

/** Each layer's diff ID must be the config's at its position: a registry cannot swap in another layer with a valid blob digest. */
function layerRecords(store: Store, layers: Descriptor[], diffIds: Digest[], facts: Map<Digest, LayerFacts>): LayerRecord[] {
  if (layers.length !== diffIds.length) {
    throw new InvalidContentError(`image config lists ${diffIds.length} layers but the manifest has ${layers.length}`);
  }
  return layers.map((layer, position) => {
    const known = facts.get(layer.digest) ?? storedFacts(store, layer.digest);
    if (known.diffId !== diffIds[position]) {
      throw new DigestMismatchError(`layer ${layer.digest}: its content has diff ID ${known.diffId}, the config expects ${diffIds[position]}`);
    }
    return { diffId: known.diffId, size: known.size, tarSize: known.tarSize, blob: { digest: layer.digest, size: layer.size, mediaType: layer.mediaType } };
  });
}

function storedFacts(store: Store, blobDigest: Digest): Pick<LayerFacts, 'diffId' | 'size' | 'tarSize'> {
  const row = store.db.get('SELECT l.diff_id, l.size, l.tar_size FROM layer_blobs b JOIN layers l ON l.diff_id = b.diff_id WHERE b.blob_digest = ?', blobDigest);
  if (!row) throw new InvalidContentError(`layer ${blobDigest} is neither stored nor was it copied`);
  return { diffId: row.diff_id as Digest, size: Number(row.size), tarSize: Number(row.tar_size) };
}
