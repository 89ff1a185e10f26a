// The files of an OCI image layout (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`): paths, bounded reads, atomic writes.
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { crypto, digestAlgorithm, digestHex, isDigest, type Digest } from '../../digest/digest.ts';
import { ConflictError, DigestMismatchError, InvalidContentError, LimitExceededError, NotFoundError, withPath } from '../../errors.ts';
import { MediaType } from '../../oci/media-types.ts';
import type { Descriptor, ImageIndex } from '../../oci/types.ts';
import { isNotFound, syncDirectory } from '../../store/content-store.ts';
import { withFileLock } from '../../store/file-lock.ts';
import { MAX_ARCHIVE_JSON_BYTES } from '../archive-reader.ts';

export const LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const LAYOUT_VERSION = '1.0.0';
/** The annotation `oci:DIR:TAG` names an image by. */
export const REF_NAME = 'org.opencontainers.image.ref.name';

/** A blob's path; the digest is checked first, so a hostile descriptor cannot name a path outside blobs/. */
export function blobPath(dir: string, digest: Digest): string {
  if (!isDigest(digest)) throw new InvalidContentError(`invalid digest ${JSON.stringify(digest)} in OCI layout ${dir}`);
  return path.join(dir, 'blobs', digestAlgorithm(digest), digestHex(digest));
}

/** index.json, or undefined when there is none yet; anything unreadable or malformed is an error naming the layout. */
export async function readIndex(dir: string): Promise<ImageIndex | undefined> {
  const file = path.join(dir, INDEX_FILE);
  let bytes: Buffer;
  try {
    bytes = await readBounded(file, `${INDEX_FILE} of OCI layout ${dir}`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  let index: ImageIndex;
  try {
    index = JSON.parse(bytes.toString('utf8')) as ImageIndex;
  } catch (error) {
    throw new InvalidContentError(`invalid OCI layout ${dir}: ${INDEX_FILE} is not valid JSON`, { cause: error });
  }
  if (typeof index !== 'object' || index === null || !Array.isArray(index.manifests) || !index.manifests.every(isDescriptor)) {
    throw new InvalidContentError(`invalid OCI layout ${dir}: ${INDEX_FILE} has no valid manifests list`);
  }
  return index;
}

export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
}

/** Reads a blob that must be small JSON (a manifest or index), verifying its digest and size. */
export async function readManifestBlob(dir: string, descriptor: Pick<Descriptor, 'digest'> & { size?: number }): Promise<Buffer> {
  const what = `manifest ${descriptor.digest} in OCI layout ${dir}`;
  let bytes: Buffer;
  try {
    bytes = await readBounded(blobPath(dir, descriptor.digest), what);
  } catch (error) {
    if (isNotFound(error)) throw new NotFoundError(`${what} is missing`, { cause: error });
    throw error;
  }
  const algorithm = digestAlgorithm(descriptor.digest);
  const actual = `${algorithm}:${crypto().createHash(algorithm).update(bytes).digest('hex')}`;
  if (actual !== descriptor.digest) throw new DigestMismatchError(`${what}: digest mismatch: its content hashes to ${actual}`);
  if (descriptor.size !== undefined && descriptor.size !== bytes.length) {
    throw new InvalidContentError(`${what}: size mismatch: expected ${descriptor.size} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Reads a whole file that must stay under the metadata limit, checked before reading. */
async function readBounded(file: string, what: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_ARCHIVE_JSON_BYTES) throw new LimitExceededError(`${what} is ${size} bytes, over the ${MAX_ARCHIVE_JSON_BYTES}-byte limit for metadata`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Replaces a file as one step: temp file beside it, fsync, rename, fsync the directory. */
export async function writeFileAtomic(file: string, bytes: Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${crypto().randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncDirectory(path.dirname(file));
  } catch (error) {
    await rm(temp, { force: true });
    throw withPath(error, file);
  }
}

/** The `oci-layout` file's version, or undefined when the directory has none. */
export async function layoutVersion(dir: string): Promise<string | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, LAYOUT_FILE), 'utf8')) as { imageLayoutVersion?: unknown };
    return typeof parsed?.imageLayoutVersion === 'string' ? parsed.imageLayoutVersion : '';
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (error instanceof SyntaxError) throw new InvalidContentError(`invalid OCI layout ${dir}: ${LAYOUT_FILE} is not valid JSON`, { cause: error });
    throw withPath(error, path.join(dir, LAYOUT_FILE));
  }
}

export function isDescriptor(value: unknown): value is Descriptor {
  const descriptor = value as Descriptor;
  return typeof descriptor?.digest === 'string' && isDigest(descriptor.digest) && typeof descriptor.mediaType === 'string' && Number.isSafeInteger(descriptor.size) && descriptor.size >= 0;
}

const LOCK_FILE = 'index.json.lock';

/** Runs a read-modify-write of index.json with the layout locked against other wharf processes; a dead writer's lock (or a minute-old one) is taken over. */
export async function withIndexLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, LOCK_FILE);
  return withFileLock(lock, {
    waitMs: 30_000,
    staleMs: 60_000,
    timeoutError: () => new ConflictError(`OCI layout ${dir} is locked by another writer (${lock})`),
  }, work);
}
