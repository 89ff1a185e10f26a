// `push`: sends a stored image (or every tag of a repository) to its registry, reporting layer by layer as Docker does.
import { digestHex, type Digest } from '../digest/digest.ts';
import { inStream, InvalidArgumentError, NotFoundError } from '../errors.ts';
import { canonicalString, familiarName, familiarString, fullName, parseReference, withDefaultTag, type Reference } from '../reference/reference.ts';
import type { RegistryAccess } from '../registry/client/registry-access.ts';
import type { Store } from '../store/store.ts';
import { withLease } from '../store/with-lease.ts';
import { copyImage, type CopyEvent } from '../transports/copy.ts';
import { registryDestination } from '../transports/registry-destination.ts';
import { storeSource } from '../transports/store-source.ts';
import type { Descriptor } from '../oci/types.ts';
import { getImageRecord } from './image-records.ts';
import { imageEvent } from './image-events.ts';
import type { ProgressSink } from './progress-message.ts';

export interface PushOptions {
  access: RegistryAccess;
  allTags?: boolean;
  onProgress: ProgressSink;
}

export async function pushImage(store: Store, name: string, options: PushOptions): Promise<void> {
  const parsed = parseReference(name);
  if (parsed.digest) throw new InvalidArgumentError('cannot push a digest reference', { fromDaemon: false });
  if (options.allTags && parsed.tag) throw new InvalidArgumentError("tag can't be used with --all-tags/-a", { fromDaemon: false });
  options.onProgress({ status: `The push refers to repository [${fullName(parsed)}]` });
  try {
    await pushTags(store, parsed, options);
    if (options.allTags) imageEvent(store, 'push', familiarName(parsed), { name: familiarName(parsed) });
  } catch (error) {
    throw inStream(error);
  }
}

async function pushTags(store: Store, parsed: Reference, options: PushOptions): Promise<void> {
  const local = localTags(store, parsed);
  // Docker's two texts: a repository with no local tag at all, and a missing tag of one that has others.
  if (local.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarName(parsed)}`);
  const tags = options.allTags ? local : [withDefaultTag(parsed)];
  const repository = await options.access.repository(parsed, { push: true });
  for (const reference of tags) {
    const imageId = store.db.get('SELECT image_id FROM tags WHERE name = ?', canonicalString(reference))?.image_id as Digest | undefined;
    if (!imageId) throw new NotFoundError(`tag does not exist: ${familiarString(reference)}`);
    const ids = layerIds(store, imageId);
    const concurrency = options.access.config.maxConcurrentUploads;
    preparing(options.onProgress, (getImageRecord(store, imageId)?.diffIds ?? []).map((diffId) => digestHex(diffId).slice(0, 12)), concurrency);
    const mounted = new Set<Digest>();
    const pushed = await withLease(store, (lease) =>
      copyImage(storeSource(store, imageId, { lease }), registryDestination(repository, {
        tag: reference.tag,
        chunkBytes: options.access.config.uploadChunkBytes,
        mountSources: (descriptor) => mountSources(store, reference.domain, descriptor.digest),
        onMounted: (descriptor, from) => {
          mounted.add(descriptor.digest);
          options.onProgress({ status: `Mounted from ${from}`, id: ids(descriptor), progressDetail: {} });
        },
      }), { concurrency, onEvent: layerProgress(options.onProgress, { ids, mounted }) }),
    );
    store.db.transaction(() => {
      store.db.run('INSERT OR REPLACE INTO repo_digests (name, image_id) VALUES (?, ?)', `${fullName(reference)}@${pushed.digest}`, imageId);
      // as dockerd: the reference pushed and its repository; `push -a` logs one, for the repository
      if (!options.allTags) imageEvent(store, 'push', familiarString(reference), { name: familiarName(reference) });
    });
    options.onProgress({ status: `${reference.tag}: digest: ${pushed.digest} size: ${pushed.bytes.length}` });
  }
}

/** Every local tag of the repository, in order. */
function localTags(store: Store, repository: Reference): Reference[] {
  const prefix = `${fullName(repository)}:`;
  return store.db
    .all('SELECT name FROM tags WHERE substr(name, 1, ?) = ? ORDER BY name', prefix.length, prefix)
    .map((row) => ({ ...repository, tag: String(row.name).slice(prefix.length) }));
}

/** Docker names a pushed layer by its diff ID: maps each blob of the image (and its gzip form, once made) to that. */
function layerIds(store: Store, imageId: Digest): (descriptor: Descriptor) => string {
  const record = getImageRecord(store, imageId);
  // asked at every progress event, some 16,000 for a 1 GB push: one query per blob, not per event
  const known = new Map<Digest, string>();
  return (descriptor) => {
    const cached = known.get(descriptor.digest);
    if (cached) return cached;
    const row = store.db.get('SELECT diff_id FROM layer_blobs WHERE blob_digest = ?', descriptor.digest);
    const diffId = (row?.diff_id as Digest | undefined) ?? record?.diffIds.find((id) => id === descriptor.digest);
    if (!diffId) return digestHex(descriptor.digest).slice(0, 12);
    const id = digestHex(diffId).slice(0, 12);
    known.set(descriptor.digest, id);
    return id;
  };
}

/** Repositories of the same registry this blob's images were pulled from or pushed to: candidates for a cross-repository mount. */
function mountSources(store: Store, registry: string, blob: Digest): string[] {
  const rows = store.db.all(
    `SELECT DISTINCT rd.name FROM layer_blobs b JOIN image_layers il ON il.diff_id = b.diff_id
     JOIN repo_digests rd ON rd.image_id = il.image_id WHERE b.blob_digest = ?`,
    blob,
  );
  const prefix = `${registry}/`;
  return rows.map((row) => String(row.name)).filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length, name.indexOf('@')));
}

/** Docker's first lines of a push: every layer `Preparing`, top layer first, and `Waiting` for those past the uploads at once. */
function preparing(emit: ProgressSink, layerIds: string[], concurrency: number): void {
  const layers = [...new Set(layerIds)].reverse();
  layers.forEach((id) => emit({ status: 'Preparing', id, progressDetail: {} }));
  layers.slice(concurrency).forEach((id) => emit({ status: 'Waiting', id, progressDetail: {} }));
}

/** Docker's lines as layers go: `Pushing` (bars on a terminal), `Pushed`, `Layer already exists`. */
function layerProgress(emit: ProgressSink, { ids, mounted }: { ids: (descriptor: Descriptor) => string; mounted: Set<Digest> }): (event: CopyEvent) => void {
  return (event) => {
    if (event.type === 'manifest-resolved' || event.type === 'manifest-written' || event.kind !== 'layer') return;
    const id = ids(event.descriptor);
    if (event.type === 'blob-skipped' && !mounted.has(event.descriptor.digest)) emit({ status: 'Layer already exists', id, progressDetail: {} });
    if (event.type === 'blob-progress') emit({ status: 'Pushing', id, progressDetail: { current: event.bytes, total: event.descriptor.size } });
    if (event.type === 'blob-done') emit({ status: 'Pushed', id, progressDetail: {} });
  };
}
