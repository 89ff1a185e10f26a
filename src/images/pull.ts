// `pull`: copies an image from its registry into the store, reporting progress as Docker's daemon does, layer by layer.
import type { Digest } from '../digest/digest.ts';
import { digestHex } from '../digest/digest.ts';
import { DigestMismatchError, InvalidArgumentError, InvalidContentError, LimitExceededError, NotFoundError } from '../errors.ts';
import { parsePlatform } from '../oci/platform.ts';
import { canonicalString, familiarName, familiarString, fullName, parseReference, withDefaultTag, type Reference } from '../reference/reference.ts';
import type { RegistryAccess } from '../registry/client/registry-access.ts';
import { ConnectionError } from '../registry/client/connection-errors.ts';
import { RegistryError, RegistryNotFoundError } from '../registry/client/registry-errors.ts';
import type { Store } from '../store/store.ts';
import { withLease } from '../store/with-lease.ts';
import { copyImage, type CopyEvent } from '../transports/copy.ts';
import type { ImageSource } from '../transports/image-transport.ts';
import { registrySource } from '../transports/registry-source.ts';
import { storeDestination } from '../transports/store-destination.ts';
import { imageEvent } from './image-events.ts';
import type { ProgressSink } from './progress-message.ts';

export interface PullOptions {
  access: RegistryAccess;
  platform?: string;
  allTags?: boolean;
  onProgress: ProgressSink;
}

/** Returns the name Docker prints last: `127.0.0.1:5000/team/busybox:v1`, or the repository for `--all-tags`. */
export async function pullImage(store: Store, name: string, options: PullOptions): Promise<string> {
  const parsed = parseReference(name);
  if (!options.allTags) {
    const reference = withDefaultTag(parsed);
    const outcome = await pullReference(store, reference, options);
    options.onProgress({ status: `Digest: ${outcome.digest}` });
    options.onProgress({ status: `Status: ${outcome.changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(reference)}` });
    return canonicalString(reference);
  }
  if (parsed.tag || parsed.digest) throw new InvalidArgumentError("tag can't be used with --all-tags/-a", { fromDaemon: false });
  const repository = await options.access.repository(parsed, { push: false });
  let changed = false;
  for (const tag of (await repository.tags()).sort()) {
    const outcome = await pullReference(store, { ...parsed, tag }, options);
    options.onProgress({ status: `Digest: ${outcome.digest}` });
    changed ||= outcome.changed;
  }
  imageEvent(store, 'pull', familiarName(parsed), { name: familiarName(parsed) });
  options.onProgress({ status: `Status: ${changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(parsed)}` });
  return fullName(parsed);
}

interface PullOutcome {
  digest: Digest;
  changed: boolean;
}

async function pullReference(store: Store, reference: Reference, options: PullOptions): Promise<PullOutcome> {
  return copyReference(store, reference, options).catch((error: unknown) => {
    throw namingImage(error, reference);
  });
}

async function copyReference(store: Store, reference: Reference, options: PullOptions): Promise<PullOutcome> {
  const tagOrDigest = reference.digest ?? reference.tag!;
  const source = await openSource(reference, tagOrDigest, options.access);
  const top = await source.manifest().catch((error: unknown) => {
    if (error instanceof RegistryNotFoundError) throw new NotFoundError(`manifest for ${familiarString(reference)} not found: ${error.message}`, { cause: error });
    if (error instanceof RegistryError && (error.status === 401 || error.status === 403)) {
      throw new RegistryError(`pull access denied for ${familiarName(reference)}, repository does not exist or may require 'docker login': ${error.message}`, { status: error.status, code: error.code, cause: error });
    }
    throw error;
  });
  // After the manifest, as Docker: a pull that fails to resolve prints only its error.
  options.onProgress({ status: `Pulling from ${reference.path}`, id: tagOrDigest });
  return withLease(store, async (lease) => {
    const tag = reference.digest ? undefined : canonicalString(reference);
    // dockerd's `pull` event: the reference as pulled as actor, its repository as name; `pull -a` logs one, for the repository
    const onRecorded = options.allTags ? undefined : () => imageEvent(store, 'pull', familiarString(reference), { name: familiarName(reference) });
    const destination = storeDestination(store, { lease, tag, repository: fullName(reference), onRecorded });
    const repoDigestName = `${fullName(reference)}@${top.digest}`;
    const knownBefore = store.db.get(tag ? 'SELECT image_id FROM tags WHERE name = ?' : 'SELECT image_id FROM repo_digests WHERE name = ?', tag ?? repoDigestName);
    const concurrency = options.access.config.maxConcurrentDownloads;
    const onEvent = layerProgress(store, options.onProgress, concurrency);
    await copyImage(source, destination, { platform: options.platform ? parsePlatform(options.platform) : undefined, concurrency, onEvent });
    const stored = destination.result();
    return { digest: top.digest, changed: !stored || knownBefore?.image_id !== stored.id };
  });
}

/**
 * What the registry or the network did wrong is said with the image it happened to (`failed to pull host/team/app:v1: …`).
 * Docker's own texts that already say where (a refused dial names the registry's URL) or what (a platform) stay as they are.
 */
function namingImage(error: unknown, reference: Reference): unknown {
  const fromRegistry = error instanceof RegistryError || error instanceof RegistryNotFoundError || error instanceof DigestMismatchError
    || error instanceof InvalidContentError || error instanceof LimitExceededError || (error instanceof ConnectionError && error.retry);
  if (!fromRegistry || error.message.includes(familiarName(reference))) return error;
  error.message = `failed to pull ${familiarString(reference)}: ${error.message}`;
  return error;
}

/** Docker Hub's mirrors first, in order, falling back to Docker Hub itself when none has the image. */
async function openSource(reference: Reference, tagOrDigest: string, access: RegistryAccess): Promise<ImageSource> {
  for (const mirror of await access.mirrorRepositories(reference)) {
    const source = registrySource(mirror, tagOrDigest);
    if (await source.manifest().then(() => true, () => false)) return source;
  }
  return registrySource(await access.repository(reference, { push: false }), tagOrDigest);
}

/** Turns copy events into Docker's per-layer lines: `Pulling fs layer`, `Waiting`, `Downloading`, `Verifying Checksum`, … */
function layerProgress(store: Store, emit: ProgressSink, concurrency: number): (event: CopyEvent) => void {
  return (event) => {
    if (event.type === 'manifest-resolved') {
      const seen = new Set<string>();
      let queued = 0;
      for (const layer of event.parsed.layers) {
        const id = shortLayerId(layer.digest);
        if (seen.has(id)) continue;
        seen.add(id);
        const present = store.db.get('SELECT 1 FROM layer_blobs WHERE blob_digest = ?', layer.digest) !== undefined;
        emit({ status: present ? 'Already exists' : 'Pulling fs layer', id, progressDetail: {} });
        if (!present && ++queued > concurrency) emit({ status: 'Waiting', id, progressDetail: {} });
      }
      return;
    }
    if (event.type === 'manifest-written' || event.kind !== 'layer') return;
    const id = shortLayerId(event.descriptor.digest);
    if (event.type === 'blob-progress') emit({ status: 'Downloading', id, progressDetail: { current: event.bytes, total: event.descriptor.size } });
    if (event.type === 'blob-done') {
      emit({ status: 'Verifying Checksum', id, progressDetail: {} });
      emit({ status: 'Download complete', id, progressDetail: {} });
      emit({ status: 'Pull complete', id, progressDetail: {} });
    }
  };
}

function shortLayerId(digest: Digest): string {
  return digestHex(digest).slice(0, 12);
}
