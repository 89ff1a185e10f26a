// ADD's local archives: a tar (plain, gzip, bzip2, xz or zstd) is unpacked into the destination instead of copied, as Docker does.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { decompressStream, detectCompression } from '../../layers/compression.ts';
import { applyLayer } from '../../snapshots/layer-applier.ts';

const TAR_MAGIC_OFFSET = 257;

/** A tar, or a compressed file whose first block is one. */
export async function isArchive(path: string): Promise<boolean> {
  const head = await readHead(path, 512);
  if (detectCompression(head) === 'none') return isTarHeader(head);
  try {
    const { stream } = await decompressStream(createReadStream(path, { highWaterMark: 1 << 20 }));
    return isTarHeader(await firstBytes(stream, 512));
  } catch {
    return false;
  }
}

export async function extractArchive(path: string, rootfs: string, under: string, owner: { uid: number; gid: number } | undefined): Promise<void> {
  const { stream } = await decompressStream(createReadStream(path, { highWaterMark: 1 << 20 }));
  await applyLayer(stream, rootfs, { whiteouts: 'none', under, owner });
}

function isTarHeader(block: Buffer): boolean {
  return block.length >= 512 && block.subarray(TAR_MAGIC_OFFSET, TAR_MAGIC_OFFSET + 5).toString('latin1') === 'ustar';
}

async function readHead(path: string, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function firstBytes(stream: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= length) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, length);
}
