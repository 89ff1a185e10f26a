// Tar build contexts: telling one from a Dockerfile as Docker's IsArchive does, and unpacking it so no entry lands outside its directory.
import { Readable } from 'node:stream';
import { InvalidContentError, LimitExceededError } from '../../errors.ts';
import { decompressStream, detectCompression } from '../../layers/compression.ts';
import { LayerScanner } from '../../layers/layer-scanner.ts';
import { readHead } from '../../layers/read-head.ts';
import { applyLayer } from '../../snapshots/layer-applier.ts';

const BLOCK = 512;
const CHECKSUM_START = 148;
const CHECKSUM_END = 156;

/**
 * Docker's DetectArchiveReader: peeks at two tar blocks without consuming them. Compressed data is taken for an
 * archive, and so is data whose first block is a tar header with a valid checksum; anything else (a Dockerfile) is not.
 * `stream` is the input from its first byte.
 */
export async function sniffArchive(input: Readable): Promise<{ isArchive: boolean; stream: Readable }> {
  const { head, ended } = await readHead(input, 2 * BLOCK);
  const stream = ended ? Readable.from(head.length > 0 ? [head] : [], { objectMode: false }) : input;
  return { isArchive: detectCompression(head) !== 'none' || isTarHeader(head), stream };
}

/**
 * Unpacks a plain or compressed tar into `root` under the rules every layer passes (no entry, hardlink or symlink
 * reaching outside, an intact end), with the caller as owner of every file: COPY sets owners itself.
 */
export async function extractArchive(input: Readable, root: string): Promise<void> {
  const { stream } = await decompressStream(input);
  const scanner = new LayerScanner({ what: 'build context' });
  stream.on('error', (error: Error) => scanner.destroy(error));
  scanner.on('error', (error: Error) => stream.destroy(error));
  stream.pipe(scanner);
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const applied = applyLayer(stream, root, { whiteouts: 'none', owner });
  applied.catch(() => scanner.destroy());
  const [scan, apply] = await Promise.allSettled([scanner.result(), applied]);
  // the scanner names what is wrong with the tar; the applier's own failure comes next; a stopped scan last
  if (scan.status === 'rejected' && isRefusal(scan.reason)) throw scan.reason;
  if (apply.status === 'rejected') throw apply.reason;
  if (scan.status === 'rejected') throw scan.reason;
}

function isRefusal(error: unknown): boolean {
  return error instanceof InvalidContentError || error instanceof LimitExceededError;
}

/** Go's tar reader accepts a first block that is not all zeros and whose checksum (unsigned or signed sum) holds. */
function isTarHeader(head: Buffer): boolean {
  if (head.length < BLOCK) return false;
  const block = head.subarray(0, BLOCK);
  if (block.every((byte) => byte === 0)) return false;
  const stored = parseOctal(block.subarray(CHECKSUM_START, CHECKSUM_END));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= CHECKSUM_START && i < CHECKSUM_END ? 0x20 : block[i];
    unsigned += byte;
    signed += byte > 0x7f ? byte - 0x100 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** Spaces and NULs around the digits are allowed, and nothing at all reads as 0; undefined when it is not octal. */
function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
  if (text === '') return 0;
  const digits = text.split('\0')[0];
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : undefined;
}
