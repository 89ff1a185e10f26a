// Opens a docker-archive file for random access: a plain tar in place, a compressed one decompressed once to a temp file.
// Why not one streaming pass: a copy asks for the config, then layers in any order, and the order of a tar is the writer's
// (manifest.json often comes last); in place, each blob is a byte range read on demand, and memory stays flat whatever the size.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WharfError, withPath } from '../../errors.ts';
import { decompressStream, detectCompression } from '../../layers/compression.ts';
import { isNotFound } from '../../store/content-store.ts';
import { NotFoundError } from '../../errors.ts';
import { indexTar, type TarIndex } from './tar-index.ts';

export interface ArchiveFile {
  handle: FileHandle;
  index: TarIndex;
  close(): Promise<void>;
}

export async function openArchiveFile(file: string): Promise<ArchiveFile> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    if (isNotFound(error)) throw new NotFoundError(`open ${file}: no such file or directory`, { cause: error, fromDaemon: false });
    throw withPath(error, file);
  });
  const head = Buffer.alloc(6);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  if (detectCompression(head.subarray(0, bytesRead)) === 'none') return indexed(handle, async () => undefined);
  await handle.close();
  return decompressedCopy(file);
}

/** The decompressed tar goes to a private temp directory, removed on close (and if indexing fails). */
async function decompressedCopy(file: string): Promise<ArchiveFile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-archive-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    const { createReadStream } = process.getBuiltinModule('node:fs');
    const { stream } = await decompressStream(createReadStream(file, { highWaterMark: 1 << 20 }));
    const plain = path.join(dir, 'archive.tar');
    await pipeline(stream, createWriteStream(plain, { mode: 0o600 }));
    return await indexed(await open(plain, 'r'), removeDir);
  } catch (error) {
    await removeDir();
    throw error instanceof WharfError ? error : withPath(error, file);
  }
}

async function indexed(handle: FileHandle, cleanup: () => Promise<void>): Promise<ArchiveFile> {
  try {
    const index = await indexTar(handle);
    return { handle, index, close: async () => void (await handle.close(), await cleanup()) };
  } catch (error) {
    await handle.close();
    await cleanup();
    throw error;
  }
}
