// Lists a tar file's entries (name → byte range) by reading only their 512-byte headers, seeking past the contents.
import type { FileHandle } from 'node:fs/promises';
import { InvalidContentError } from '../../errors.ts';
import { archiveEntryName, followLinks, symlinkTargetName } from '../archive-names.ts';

export interface TarEntry {
  /** Where the entry's content starts in the file, and its length. */
  offset: number;
  size: number;
}

export interface TarIndex {
  files: Map<string, TarEntry>;
  /** Symlinks and hard links, name → the name they lead to (already resolved against the link's directory). */
  links: Map<string, string>;
}

const BLOCK = 512;
/** Pax and GNU long-name records are metadata about one name; anything bigger is not a real archive. */
const MAX_META_RECORD = 1 << 20;

export async function indexTar(handle: FileHandle): Promise<TarIndex> {
  const { size: fileSize } = await handle.stat();
  const index: TarIndex = { files: new Map(), links: new Map() };
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  let pending: { path?: string; linkpath?: string; size?: number } = {};
  let global: { path?: string; linkpath?: string } = {};
  for (;;) {
    // Go's archive/tar, and so docker load, accepts an archive that ends without its two zero blocks.
    if (offset === fileSize) return index;
    if (offset + BLOCK > fileSize) throw truncated();
    await readExactly(handle, header, offset);
    if (header.every((byte) => byte === 0)) return index;
    checkChecksum(header, offset);
    const type = String.fromCharCode(header[156] || 0x30);
    const size = pending.size ?? octal(header, 124, 12, offset);
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > fileSize) throw truncated();
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const record = await readRecord(handle, dataOffset, size);
      if (type === 'x') pending = { ...pending, ...paxRecords(record) };
      else if (type === 'g') global = { ...global, ...paxRecords(record) };
      else if (type === 'L') pending.path = nulTerminated(record);
      else pending.linkpath = nulTerminated(record);
      continue;
    }
    const name = archiveEntryName(pending.path ?? global.path ?? headerName(header));
    const linkname = pending.linkpath ?? global.linkpath ?? text(header, 157, 100);
    pending = {};
    if (type === '0' || type === '7') index.files.set(name, { offset: dataOffset, size });
    else if (type === '1') index.links.set(name, archiveEntryName(linkname));
    else if (type === '2') index.links.set(name, symlinkTargetName(name, linkname));
  }
}

/** A name after following links, at most 16 hops (a loop is simply not found). */
export function resolveEntry(index: TarIndex, name: string): TarEntry | undefined {
  return index.files.get(followLinks(index.links, archiveEntryName(name)));
}

export async function readEntry(handle: FileHandle, entry: TarEntry): Promise<Buffer> {
  const bytes = Buffer.alloc(entry.size);
  await readExactly(handle, bytes, entry.offset);
  return bytes;
}

async function readExactly(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) throw truncated();
    done += bytesRead;
  }
}

async function readRecord(handle: FileHandle, offset: number, size: number): Promise<Buffer> {
  if (size > MAX_META_RECORD) throw new InvalidContentError(`invalid archive: a ${size}-byte tar metadata record`);
  return readEntry(handle, { offset, size });
}

function headerName(header: Buffer): string {
  const name = text(header, 0, 100);
  // ustar ("ustar\0") keeps a prefix for long names; GNU ("ustar  ") uses those bytes for other fields.
  const ustar = header.toString('latin1', 257, 263) === 'ustar\0';
  const prefix = ustar ? text(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function paxRecords(record: Buffer): { path?: string; linkpath?: string; size?: number } {
  const result: { path?: string; linkpath?: string; size?: number } = {};
  let position = 0;
  while (position < record.length) {
    const space = record.indexOf(0x20, position);
    const length = Number(record.toString('latin1', position, space));
    if (space < 0 || !Number.isSafeInteger(length) || length <= 0 || position + length > record.length) break;
    const line = record.toString('utf8', space + 1, position + length - 1);
    const equals = line.indexOf('=');
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    if (key === 'path') result.path = value;
    else if (key === 'linkpath') result.linkpath = value;
    else if (key === 'size' && /^\d+$/.test(value)) result.size = Number(value);
    position += length;
  }
  return result;
}

/** Octal, or GNU's base-256 for sizes past 8 GiB (high bit of the first byte set). */
function octal(header: Buffer, start: number, length: number, at: number): number {
  if (header[start] & 0x80) {
    let value = header[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + header[i];
    if (!Number.isSafeInteger(value)) throw corrupt(at);
    return value;
  }
  const digits = header.toString('latin1', start, start + length).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]*$/.test(digits)) throw corrupt(at);
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checkChecksum(header: Buffer, at: number): void {
  const stored = octal(header, 148, 8, at);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (sum !== stored) throw corrupt(at);
}

function text(header: Buffer, start: number, length: number): string {
  return nulTerminated(header.subarray(start, start + length));
}

function nulTerminated(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end < 0 ? bytes.length : end);
}

function truncated(): InvalidContentError {
  return new InvalidContentError('invalid archive: unexpected EOF (the archive is truncated)');
}

function corrupt(at: number): InvalidContentError {
  return new InvalidContentError(`invalid archive: bad tar header at byte ${at}`);
}
