// Copies an image, or a whole index, from any ImageSource to any ImageDestination, byte for byte.
// Blobs go first (layers the source encodes as they go, the config, then layers in parallel), manifests after the
// blobs they name, the index last, so a destination never holds a manifest whose blobs it lacks.
import { Transform, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Digest } from '../digest/digest.ts';
import { fillingLike } from '../streams/chunk-recycler.ts';
import { InvalidContentError, WharfError } from '../errors.ts';
import { isIndexMediaType, MediaType } from '../oci/media-types.ts';
import { hostPlatform, selectManifest } from '../oci/platform.ts';
import type { Descriptor, ImageIndex, ImageManifest, Platform } from '../oci/types.ts';
import { BodyCutError, ConnectionError } from '../registry/client/connection-errors.ts';
import { RegistryError, RegistryNotFoundError } from '../registry/client/registry-errors.ts';
import type { ImageDestination, ImageSource, ManifestBytes, PutManifestOptions } from './image-transport.ts';

export type BlobKind = 'config' | 'layer';

export type CopyEvent =
  | { type: 'manifest-resolved'; manifest: ManifestBytes; parsed: ImageManifest }
  | { type: 'blob-skipped'; descriptor: Descriptor; kind: BlobKind }
  | { type: 'blob-started'; descriptor: Descriptor; kind: BlobKind }
  | { type: 'blob-progress'; descriptor: Descriptor; kind: BlobKind; bytes: number }
  | { type: 'blob-done'; descriptor: Descriptor; kind: BlobKind }
  | { type: 'manifest-written'; manifest: ManifestBytes };

export interface CopyOptions {
  /** Copy every image of an index and the index itself, not one platform's image. */
  all?: boolean;
  /** The platform to take from an index; the host's by default. */
  platform?: Platform;
  /** Layers copied at once. */
  concurrency?: number;
  onEvent?: (event: CopyEvent) => void;
  /** Blobs already sent in this copy (encoded as they went): not asked about or sent again. */
  copied?: Set<Digest>;
}

const DEFAULT_CONCURRENCY = 3;

/** Returns the top-level manifest written: the index with `all`, else the image manifest. */
export async function copyImage(source: ImageSource, destination: ImageDestination, options: CopyOptions = {}): Promise<ManifestBytes> {
  const encoded = await copyLayersToEncode(source, destination, options);
  if (encoded.size) options = { ...options, copied: encoded };
  const top = await source.manifest();
  let written: ManifestBytes;
  if (isIndexMediaType(top.mediaType)) {
    const index = parseJson<ImageIndex>(top, 'index');
    if (!Array.isArray(index.manifests) || !index.manifests.every(isDescriptor)) throw new InvalidContentError(`invalid index ${top.digest}: manifests are malformed`);
    if (options.all) {
      for (const child of index.manifests) await copyManifest(source, destination, await source.manifest(child.digest), { ...options, topLevel: false });
      await destination.putManifest(top, { topLevel: true });
      options.onEvent?.({ type: 'manifest-written', manifest: top });
      written = top;
    } else {
      const chosen = selectManifest(index.manifests, options.platform ?? hostPlatform());
      written = await copyManifest(source, destination, await source.manifest(chosen.digest), { ...options, topLevel: true, index: top });
    }
  } else {
    written = await copyManifest(source, destination, top, { ...options, topLevel: true });
  }
  await destination.commit();
  return written;
}

async function copyManifest(
  source: ImageSource,
  destination: ImageDestination,
  manifest: ManifestBytes,
  options: CopyOptions & PutManifestOptions,
): Promise<ManifestBytes> {
  if (isIndexMediaType(manifest.mediaType)) throw new InvalidContentError(`nested index ${manifest.digest} is not supported`);
  const parsed = parseImageManifest(manifest);
  options.onEvent?.({ type: 'manifest-resolved', manifest, parsed });
  await copyBlob(source, destination, parsed.config, 'config', options);
  await eachLimited(parsed.layers, options.concurrency ?? DEFAULT_CONCURRENCY, (layer) => copyBlob(source, destination, layer, 'layer', options));
  await destination.putManifest(manifest, { topLevel: options.topLevel, index: options.index });
  options.onEvent?.({ type: 'manifest-written', manifest });
  return manifest;
}

/**
 * Streams each layer the source encodes into the destination as it is made (Docker compresses into its upload so):
 * bytes are compressed, stored and sent in one pass, not written, made durable and read back first. Reports each
 * under its plain descriptor. A layer whose upload failed but whose encoding was kept is left for the usual copy,
 * which retries from the kept blob.
 */
async function copyLayersToEncode(source: ImageSource, destination: ImageDestination, options: CopyOptions): Promise<Set<Digest>> {
  const sent = new Set<Digest>();
  if (!source.layersToEncode || !destination.putBlobAsMade) return sent;
  const putBlobAsMade = destination.putBlobAsMade.bind(destination);
  const layers = await source.layersToEncode();
  if (layers.length === 0) return sent;
  const emit = options.onEvent;
  await eachLimited(layers, options.concurrency ?? DEFAULT_CONCURRENCY, async ({ plain, open }) => {
    emit?.({ type: 'blob-started', descriptor: plain, kind: 'layer' });
    const { stream, described, encoded } = await open((bytes) => emit?.({ type: 'blob-progress', descriptor: plain, kind: 'layer', bytes }));
    const failure = await putBlobAsMade(stream, described).then(() => undefined, (error: unknown) => ({ error }));
    if (failure && isConnectionCut(failure.error)) {
      // The store goes on without the upload; the usual copy then sends the kept blob, with its retries.
      stream.unpipe();
      stream.resume();
      await encoded;
      return;
    }
    if (failure) throw await stopEncoding(stream, encoded, failure.error, plain);
    sent.add((await encoded).digest);
    emit?.({ type: 'blob-done', descriptor: plain, kind: 'layer' });
  });
  return sent;
}

/**
 * After a failed upload nothing may go on in the background (a later cleanup of the copy's lease would race it): the
 * encoding is stopped and its temp file removed before the error is told. An encoding that failed by itself (a full
 * disk, say) is the cause worth telling; a registry's answer is this layer's, while a failed dial is every layer's
 * one shared error and is named by none.
 */
async function stopEncoding(stream: Readable, encoded: Promise<Descriptor>, error: unknown, plain: Descriptor): Promise<unknown> {
  const stopped = new Error('upload failed');
  stream.destroy(stopped);
  const encodingError = await encoded.then(() => undefined, (cause: unknown) => cause);
  if (encodingError !== undefined && encodingError !== stopped) return encodingError;
  return error instanceof RegistryError ? namingBlob(error, plain, 'layer') : error;
}

async function copyBlob(source: ImageSource, destination: ImageDestination, descriptor: Descriptor, kind: BlobKind, options: CopyOptions): Promise<void> {
  const emit = options.onEvent;
  if (options.copied?.has(descriptor.digest)) return;
  if (await destination.hasBlob(descriptor)) {
    emit?.({ type: 'blob-skipped', descriptor, kind });
    return;
  }
  emit?.({ type: 'blob-started', descriptor, kind });
  // A connection cut mid-body cannot be retried by the transport (the bytes went to the destination): the blob is copied again.
  for (let attempt = 1; ; attempt++) {
    try {
      await transferBlob(source, destination, descriptor, (start) => (emit ? (bytes) => emit({ type: 'blob-progress', descriptor, kind, bytes: start + bytes }) : undefined));
      break;
    } catch (error) {
      if (attempt >= BLOB_ATTEMPTS || !isConnectionCut(error)) throw namingBlob(error, descriptor, kind);
      await sleep(BLOB_RETRY_DELAY_MS * attempt);
    }
  }
  emit?.({ type: 'blob-done', descriptor, kind });
}

type ProgressFrom = (start: number) => ((bytes: number) => void) | undefined;

/** Resumable where both ends can (the retry of a cut download then goes on from its bytes), else one stream. */
async function transferBlob(source: ImageSource, destination: ImageDestination, descriptor: Descriptor, progressFrom: ProgressFrom): Promise<void> {
  const withProgress = (stream: Readable, start: number) => {
    const report = progressFrom(start);
    return report ? counted(stream, report) : stream;
  };
  if (source.blobFrom && destination.putBlobFrom) {
    const blobFrom = source.blobFrom.bind(source);
    await destination.putBlobFrom(descriptor, async (offset) => {
      const opened = await blobFrom(descriptor, offset);
      return { ...opened, stream: withProgress(opened.stream, opened.offset) };
    });
    return;
  }
  await destination.putBlob(descriptor, withProgress(await source.blob(descriptor), 0));
}

const BLOB_ATTEMPTS = 3;
const BLOB_RETRY_DELAY_MS = 500;

/** A reset or a body cut short (Node's `aborted`), or a connection failure the transport could not retry. */
function isConnectionCut(error: unknown): boolean {
  if (error instanceof ConnectionError) return error.retry;
  const code = (error as NodeJS.ErrnoException)?.code;
  return !(error instanceof WharfError) && (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE');
}

/** Registry, network and content failures said without the blob they concern get its name; a cut body says what happened. */
function namingBlob(error: unknown, descriptor: Descriptor, kind: BlobKind): unknown {
  const what = `${kind} ${descriptor.digest}`;
  if (error instanceof BodyCutError || (isConnectionCut(error) && !(error instanceof WharfError))) {
    return new ConnectionError(`${what}: unexpected EOF: the connection closed before the whole blob arrived`, { cause: error, tls: false });
  }
  const named = error instanceof RegistryError || error instanceof RegistryNotFoundError || error instanceof ConnectionError || error instanceof InvalidContentError;
  if (named && !error.message.includes(descriptor.digest)) error.message = `${what}: ${error.message}`;
  return error;
}

/** Reports bytes passed at most every 64 KiB of progress, so a fast copy is not slowed by its own reporting. */
function counted(content: Readable, report: (bytes: number) => void): Readable {
  let total = 0;
  let reported = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total - reported >= 1 << 16) report((reported = total));
      callback(null, chunk);
    },
    flush(callback) {
      report(total);
      callback();
    },
  });
  content.on('error', (error) => counter.destroy(error));
  // A resumed copy reads its file before this stream: a cut meanwhile must wait for that reader, not crash the process.
  counter.on('error', () => undefined);
  return fillingLike(content.pipe(counter), content);
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    // After a failure the other workers finish what they hold but start nothing new.
    while (next < items.length && failures.length === 0) {
      const item = items[next++];
      await work(item).catch((error: unknown) => void failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length) throw failures[0];
}

const IMAGE_MANIFEST_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);

export function parseImageManifest(manifest: ManifestBytes): ImageManifest {
  if (!IMAGE_MANIFEST_TYPES.has(manifest.mediaType)) {
    throw new InvalidContentError(`unsupported manifest media type ${manifest.mediaType} for ${manifest.digest}`);
  }
  const parsed = parseJson<ImageManifest>(manifest, 'manifest');
  if (!isDescriptor(parsed.config) || !Array.isArray(parsed.layers) || !parsed.layers.every(isDescriptor)) {
    throw new InvalidContentError(`invalid manifest ${manifest.digest}: config or layers are malformed`);
  }
  return parsed;
}

function isDescriptor(value: unknown): value is Descriptor {
  const descriptor = value as Descriptor;
  return typeof descriptor?.digest === 'string' && typeof descriptor.mediaType === 'string' && Number.isSafeInteger(descriptor.size) && descriptor.size >= 0;
}

function parseJson<T>(manifest: ManifestBytes, what: string): T {
  try {
    return JSON.parse(manifest.bytes.toString('utf8')) as T;
  } catch (error) {
    throw new InvalidContentError(`invalid ${what} ${manifest.digest}: not valid JSON`, { cause: error });
  }
}
