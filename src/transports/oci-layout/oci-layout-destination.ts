// An OCI image layout directory as an ImageDestination: verified blobs first, then index.json replaced in one rename on commit,
// so a copy that fails or crashes midway leaves the layout as valid as it was (at worst with unreferenced blobs).
import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Digest } from '../../digest/digest.ts';
import { InvalidArgumentError, InvalidContentError, withPath } from '../../errors.ts';
import type { Descriptor, ImageIndex } from '../../oci/types.ts';
import { ContentStore, isNotFound } from '../../store/content-store.ts';
import { isProcessAlive } from '../../store/leases.ts';
import type { ImageDestination, ManifestBytes, PutManifestOptions } from '../image-transport.ts';
import { INDEX_FILE, LAYOUT_FILE, LAYOUT_VERSION, REF_NAME, blobPath, emptyIndex, layoutVersion, readIndex, withIndexLock, writeFileAtomic } from './layout-files.ts';

/**
 * The layout's blobs/ is a content store's layout exactly, so its verified write (hash, size, fsync, rename) is reused;
 * temp files go in the layout's root, as skopeo's do, rather than in an ingest/ directory the layout does not have.
 */
class LayoutBlobs extends ContentStore {
  override ingestDir(): string {
    return this.root;
  }
}

export async function ociLayoutDestination(dir: string, options: { tag?: string } = {}): Promise<ImageDestination> {
  const createdDir = await ensureDirectory(dir);
  // Checked before any blob is written: a layout we could not update must stay exactly as it was.
  const version = await layoutVersion(dir);
  if (version !== undefined && version !== LAYOUT_VERSION) throw new InvalidContentError(`OCI layout ${dir} has unsupported version ${JSON.stringify(version)}`);
  await readIndex(dir);
  await removeDeadTempFiles(dir);
  const blobs = new LayoutBlobs(dir);
  const added: Digest[] = [];
  let top: Descriptor | undefined;
  let committed = false;
  const put = async (descriptor: Pick<Descriptor, 'digest' | 'size'>, content: Readable, what: string) => {
    blobPath(dir, descriptor.digest);
    await blobs.ingest(content, { expected: descriptor.digest, expectedSize: descriptor.size, what: `${what} ${descriptor.digest}`, sizeHint: descriptor.size });
    added.push(descriptor.digest);
  };
  return {
    hasBlob: (descriptor) => hasBlob(dir, descriptor),
    putBlob: (descriptor, content) => put(descriptor, content, 'blob'),
    putManifest: async (manifest: ManifestBytes, { topLevel }: PutManifestOptions) => {
      if (!(await hasBlob(dir, { digest: manifest.digest, size: manifest.bytes.length }))) {
        await put({ digest: manifest.digest, size: manifest.bytes.length }, Readable.from([manifest.bytes]), 'manifest');
      }
      if (topLevel) top = entryFor(manifest, options.tag);
    },
    commit: async () => {
      if (!top) throw new InvalidArgumentError('internal error: commit before the top-level manifest was written', { fromDaemon: false });
      const entry = top;
      await withIndexLock(dir, async () => {
        if ((await layoutVersion(dir)) === undefined) await writeFileAtomic(path.join(dir, LAYOUT_FILE), Buffer.from(JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })));
        const index = (await readIndex(dir)) ?? emptyIndex();
        await writeFileAtomic(path.join(dir, INDEX_FILE), Buffer.from(JSON.stringify(withEntry(index, entry))));
      });
      committed = true;
    },
    close: async () => {
      if (committed) return;
      // A failed copy takes back what it added: the layout is left as it was, not merely valid. Only blobs it wrote go,
      // and directories only when empty, as another copy may be writing the same layout.
      await Promise.all(added.map((digest) => rm(blobPath(dir, digest), { force: true })));
      if (createdDir) for (const made of [path.join(dir, 'blobs', 'sha256'), path.join(dir, 'blobs'), dir]) await rmdir(made).catch(() => undefined);
    },
  };
}

/** Creates the directory when missing; true when this call made it. */
async function ensureDirectory(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new InvalidArgumentError(`oci: ${dir} exists and is not a directory`, { fromDaemon: false });
    return false;
  } catch (error) {
    if (!isNotFound(error)) throw withPath(error, dir);
    await mkdir(dir, { recursive: true }).catch((failure: unknown) => Promise.reject(withPath(failure, dir)));
    return true;
  }
}

/** Temp files of writers that died (`<pid>-<random>`, see ContentStore.write) are theirs alone, so they can go. */
async function removeDeadTempFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const pid = /^(\d+)-[0-9a-f]{16}$/.exec(name)?.[1];
    if (pid && !isProcessAlive(Number(pid))) await rm(path.join(dir, name), { force: true });
  }
}

/** A blob of the right size counts as present: every blob this layout got went through a verified rename. */
async function hasBlob(dir: string, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<boolean> {
  try {
    return (await stat(blobPath(dir, descriptor.digest))).size === descriptor.size;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function entryFor(manifest: ManifestBytes, tag: string | undefined): Descriptor {
  return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length, ...(tag ? { annotations: { [REF_NAME]: tag } } : {}) };
}

/**
 * index.json with the new entry: it replaces the entry holding the same ref name (a tag moves), or, untagged,
 * an untagged entry of the same digest (copying one image twice adds it once); otherwise it is appended.
 */
export function withEntry(index: ImageIndex, entry: Descriptor): ImageIndex {
  const tag = entry.annotations?.[REF_NAME];
  const same = (existing: Descriptor) => (tag ? existing.annotations?.[REF_NAME] === tag : !existing.annotations?.[REF_NAME] && existing.digest === entry.digest);
  const position = index.manifests.findIndex(same);
  if (position < 0) return { ...index, manifests: [...index.manifests, entry] };
  return { ...index, manifests: index.manifests.flatMap((existing, i) => (i === position ? [entry] : same(existing) ? [] : [existing])) };
}
