// A `docker save` archive as an ImageDestination (`docker-archive:FILE[:REF]`), in the Docker 25+ layout archive-writer.ts writes.
// Blobs stream straight into the tar, one entry at a time (a tar is sequential: parallel layers wait their turn), each hashed as
// it passes; the archive is written to a temp file and only put in place, without replacing anything, once it is complete.
import { link, open, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { assertDigest, crypto, digestAlgorithm, isDigest, type Digest } from '../../digest/digest.ts';
import { HashingStream } from '../../digest/hashing-stream.ts';
import { InvalidArgumentError, InvalidContentError, withPath } from '../../errors.ts';
import { isIndexMediaType } from '../../oci/media-types.ts';
import type { Descriptor } from '../../oci/types.ts';
import { canonicalString, familiarString, type Reference } from '../../reference/reference.ts';
import { isNotFound, syncDirectory } from '../../store/content-store.ts';
import { WritebackFile } from '../../streams/writeback-file.ts';
import { addArchiveMetadata, blobName, type SaveEntry } from '../archive-writer.ts';
import { parseImageManifest } from '../copy.ts';
import type { ImageDestination, ManifestBytes, PutManifestOptions } from '../image-transport.ts';

const FIXED_MTIME = new Date(0);

export async function dockerArchiveDestination(file: string, options: { reference?: Reference } = {}): Promise<ImageDestination> {
  const replaceable = await checkTarget(file);
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}-${crypto().randomBytes(4).toString('hex')}.tmp`);
  const output = new WritebackFile(temp, { flags: 'wx', mode: 0o644, highWaterMark: 4 << 20 });
  const pack = tar.pack();
  const done = pipeline(pack, output);
  // Observed here; awaited on commit, or swallowed on close after a failure that already reported itself.
  done.catch(() => undefined);
  const written = new Set<Digest>();
  let queue: Promise<void> = Promise.resolve();
  let saved: SaveEntry | undefined;
  let committed = false;
  /** Entries are written one after another; a failed one fails every later one, as the tar is then unusable. */
  const enqueue = (work: () => Promise<void>): Promise<void> => (queue = queue.then(work));
  const put = (descriptor: Pick<Descriptor, 'digest' | 'size'>, content: Readable, what: string) =>
    enqueue(async () => {
      if (written.has(descriptor.digest)) return void content.destroy();
      await writeEntry(pack, descriptor, content, `${what} ${descriptor.digest}`);
      written.add(descriptor.digest);
    });
  return {
    hasBlob: async (descriptor) => written.has(descriptor.digest),
    putBlob: (descriptor, content) => put(descriptor, content, 'blob'),
    putManifest: async (manifest: ManifestBytes, { topLevel }: PutManifestOptions) => {
      if (isIndexMediaType(manifest.mediaType)) throw new InvalidArgumentError('a docker archive holds images, not an image index: copy one platform, without --all', { fromDaemon: false });
      const parsed = parseImageManifest(manifest);
      await put({ digest: manifest.digest, size: manifest.bytes.length }, Readable.from([manifest.bytes]), 'manifest');
      if (!topLevel) return;
      const image = { manifestDigest: manifest.digest, manifestMediaType: manifest.mediaType, manifestBytes: manifest.bytes, config: parsed.config, layers: parsed.layers };
      const reference = options.reference;
      saved = { image, tags: reference ? [canonicalString(reference)] : [], familiarTags: reference ? [familiarString(reference)] : [] };
    },
    commit: async () => {
      await queue;
      if (!saved) throw new InvalidArgumentError('internal error: commit before the image manifest was written', { fromDaemon: false });
      await addArchiveMetadata(pack, [saved]);
      pack.finalize();
      await done;
      await syncFile(temp);
      await place(temp, file, { replaceable });
      committed = true;
    },
    close: async () => {
      if (committed) return;
      pack.destroy();
      // The file stream must be closed before its file is removed, or a late open could bring it back.
      if (!output.closed) await new Promise((resolve) => output.destroy().once('close', resolve));
      await rm(temp, { force: true });
    },
  };
}

/** containers/image refuses to add to an archive; an empty file (from mktemp, say) may be filled. True when one is there. */
async function checkTarget(file: string): Promise<boolean> {
  try {
    const stats = await stat(file);
    if (!stats.isFile() || stats.size > 0) throw new InvalidArgumentError(`docker-archive doesn't support modifying existing images (${file} exists)`, { fromDaemon: false });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw withPath(error, file);
  }
}

async function writeEntry(pack: tar.Pack, descriptor: Pick<Descriptor, 'digest' | 'size'>, content: Readable, what: string): Promise<void> {
  if (!isDigest(descriptor.digest)) throw new InvalidContentError(`${what}: not a valid digest`);
  const hashing = new HashingStream(digestAlgorithm(descriptor.digest));
  const entry = pack.entry({ name: blobName(descriptor.digest), size: descriptor.size, mode: 0o444, mtime: FIXED_MTIME });
  try {
    await pipeline(content, hashing, entry);
  } catch (error) {
    if (hashing.size !== descriptor.size) throw new InvalidContentError(`${what}: size mismatch: expected ${descriptor.size} bytes, got ${hashing.size}`, { cause: error });
    throw error;
  }
  assertDigest(hashing.digest(), descriptor.digest, what);
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A hard link cannot replace a file, so an archive that appeared meanwhile is never overwritten; an empty one is. */
async function place(temp: string, file: string, { replaceable }: { replaceable: boolean }): Promise<void> {
  try {
    if (replaceable) await rename(temp, file);
    else {
      await link(temp, file);
      await unlink(temp);
    }
    await syncDirectory(path.dirname(path.resolve(file)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new InvalidArgumentError(`docker-archive doesn't support modifying existing images (${file} exists)`, { fromDaemon: false });
    throw withPath(error, file);
  }
}
