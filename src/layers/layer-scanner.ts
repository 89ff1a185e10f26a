// Reads an uncompressed layer tar once: enforces the path rules and limits, and counts its unpacked size as Docker's overlay2 does.
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidContentError, LimitExceededError, WharfError } from '../errors.ts';
import { layerLimits, type LayerLimits } from './limits.ts';
import { SymlinkTracker, invalidLayer, isWhiteout, requireInside } from './tar-rules.ts';

export interface LayerScan {
  /** Sum of non-directory sizes (symlinks count their target's length, hardlinks once), the last version of a path winning. */
  size: number;
  entries: number;
}

export interface ScanOptions {
  what: string;
  limits?: LayerLimits;
}

export function scanLayer(source: Readable, options: ScanOptions): Promise<LayerScan> {
  const limits = options.limits ?? layerLimits();
  const extract = tar.extract();
  const sizes = new Map<string, number>();
  const symlinks = new SymlinkTracker();
  let entries = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      source.unpipe(extract);
      source.resume();
      reject(asLayerError(error, options.what));
    };
    extract.on('entry', (header, body, next) => {
      try {
        entries += 1;
        if (entries > limits.maxEntries) throw new LimitExceededError(`${options.what}: more than ${limits.maxEntries} entries; raise WHARF_MAX_LAYER_ENTRIES to allow it`);
        const path = requireInside(header.name);
        symlinks.checkParents(path, header.name);
        if (header.type === 'link') symlinks.checkParents(requireInside(header.linkname ?? ''), header.name);
        symlinks.record(path, header.type === 'symlink');
        sizes.set(path, entrySize(path, header));
      } catch (error) {
        extract.destroy(error as Error);
        return;
      }
      body.on('end', () => next());
      body.resume();
    });
    extract.on('finish', () => resolve({ size: sum(sizes), entries }));
    extract.on('error', fail);
    source.on('error', fail);
    source.pipe(extract);
  });
}

function entrySize(path: string, header: tar.Header): number {
  if (isWhiteout(path)) return 0;
  if (header.type === 'symlink') return Buffer.byteLength(header.linkname ?? '');
  if (header.type === 'file' || header.type === 'contiguous-file') return header.size ?? 0;
  return 0;
}

function sum(sizes: Map<string, number>): number {
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}

function asLayerError(error: unknown, what: string): Error {
  if (error instanceof WharfError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected end|premature|truncat/i.test(message)) return new InvalidContentError(`${what}: layer tar is truncated (unexpected EOF)`);
  return invalidLayer(what, `is not a valid tar: ${message}`);
}
