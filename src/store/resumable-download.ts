// Downloads a blob into the content store so that a download cut off (a dead registry, a kill -9) resumes where it stopped:
// the bytes land in ingest/<pid>-resume-<hex> as they arrive, their writeback started as they go; the next attempt takes
// that file over (a rename, so only one process can), hashes what it holds again, and asks the source only for the rest.
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestAlgorithm, digestHex, type Digest } from '../digest/digest.ts';
import { hashingStreamFor } from '../digest/worker-hashing-stream.ts';
import { DigestMismatchError, InvalidContentError, withPath } from '../errors.ts';
import { coalesced } from '../streams/coalesce.ts';
import { WritebackPacer } from '../streams/writeback-file.ts';
import { verifyBlob, type IngestOptions, type PendingBlob, type Tap } from './content-store.ts';
import { RESUMABLE_MARK } from './gc.ts';
import { isProcessAlive } from './leases.ts';
import type { Store } from './store.ts';

/** Opens the blob's bytes from `offset` on; a source that cannot seek answers with everything from 0 (`offset: 0`). */
export type RangeFetch = (offset: number) => Promise<{ stream: Readable; offset: number }>;

const fsp = () => process.getBuiltinModule('node:fs/promises');

export async function writeResumable(store: Store, expected: Digest, fetch: RangeFetch, options: IngestOptions): Promise<PendingBlob> {
  const dir = store.content.ingestDir();
  const file = path.join(dir, `${process.pid}${RESUMABLE_MARK}${digestHex(expected)}`);
  const claimed = await claimPartial(dir, expected, file);
  // Another live process is fetching the same blob: fetch it separately rather than share a half-written file.
  if (!claimed) return store.content.write((await fetch(0)).stream, options);
  const held = (await fsp().stat(file).catch(() => undefined))?.size ?? 0;
  try {
    const { stream, offset } = await fetch(held);
    const algorithm = digestAlgorithm(expected);
    const hashing = hashingStreamFor(algorithm, options.sizeHint);
    if (options.tap) {
      options.tap.on('error', (error) => hashing.destroy(error));
      hashing.pipe(options.tap);
    }
    await pipeline(Readable.from(resumedBytes(file, offset, stream, options.tap)), hashing, new Writable({ write: (_chunk, _encoding, done) => done() }));
    const blob = { digest: hashing.digest(), size: hashing.size };
    verifyBlob(blob, { ...options, expected });
    return { ...blob, commit: () => store.content.commit(file, blob, options.lease) };
  } catch (error) {
    // Bytes that hash wrong cannot be resumed from; a connection that broke leaves them for the next try.
    if (error instanceof DigestMismatchError || error instanceof InvalidContentError) await fsp().rm(file, { force: true });
    throw withPath(error, file);
  }
}

/** The bytes already held (re-read for hashing), then the source's in large chunks, appended to the file as they pass. */
async function* resumedBytes(file: string, offset: number, remote: Readable, tap: Tap | undefined): AsyncGenerator<Buffer> {
  const handle = await fsp().open(file, offset === 0 ? 'w' : 'r+');
  try {
    if (offset > 0) {
      for await (const chunk of handle.createReadStream({ start: 0, end: offset - 1, autoClose: false, highWaterMark: 1 << 20 })) yield chunk as Buffer;
    }
    let position = offset;
    let written = offset;
    const writeback = new WritebackPacer(handle);
    // The hash copies a chunk as it passes; the file and the tap are the consumers that hold on to it.
    const consumed = tap?.consumedBytes?.bind(tap);
    const reusable = consumed ? (end: number) => end <= written && end <= consumed() : undefined;
    // One write in flight while the next chunk is hashed and gathered: the file never holds up the stream.
    let writing: Promise<unknown> | undefined;
    try {
      for await (const bytes of coalesced(remote, { start: offset, reusable })) {
        await writing;
        const end = position + bytes.length;
        writing = handle.write(bytes, 0, bytes.length, position).then(() => {
          written = end;
          writeback.wrote(bytes.length);
        });
        // awaited on the next turn or below; this keeps a failure meanwhile from counting as unhandled
        writing.catch(() => undefined);
        position = end;
        yield bytes;
      }
      await writing;
      await writeback.settled();
    } finally {
      await writing?.catch(() => undefined);
      await writeback.settled().catch(() => undefined);
    }
    await handle.truncate(position);
  } finally {
    await handle.close();
  }
}

/** Renames a dead process's partial file of this blob to ours; false when a live process holds one. */
async function claimPartial(dir: string, digest: Digest, mine: string): Promise<boolean> {
  const suffix = `${RESUMABLE_MARK}${digestHex(digest)}`;
  for (const name of await fsp().readdir(dir)) {
    if (!name.endsWith(suffix) || path.join(dir, name) === mine) continue;
    if (isProcessAlive(Number.parseInt(name, 10))) return false;
    try {
      await fsp().rename(path.join(dir, name), mine);
      return true;
    } catch (error) {
      // Another process took it over first: it is theirs now.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
  return true;
}
