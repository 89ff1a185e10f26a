// Blob endpoints: HEAD/GET with single byte ranges, and DELETE (unlink from the repository).
import type { Digest } from '../../digest/digest.ts';
import { RegistryError } from './error-codes.ts';
import { reply } from './http-io.ts';
import type { RequestContext } from './request-context.ts';
import type { ByteRange } from './storage-driver.ts';

export async function getBlob(context: RequestContext, name: string, digest: Digest): Promise<void> {
  const { req, res, registry } = context;
  const size = await registry.blobs.size(name, digest);
  const headers = { 'Docker-Content-Digest': digest, 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', ETag: `"${digest}"`, 'Cache-Control': 'max-age=31536000' };
  const range = req.headers.range === undefined ? undefined : parseRange(req.headers.range, size);
  if (range === null) return reply(res, 416, { ...headers, 'Content-Range': `bytes */${size}` });
  const length = range ? range.end - range.start + 1 : size;
  const status = range ? 206 : 200;
  res.writeHead(status, { ...headers, 'Content-Length': length, ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${size}` } : {}) });
  if (req.method === 'HEAD' || length === 0) return void res.end();
  await registry.blobs.send(digest, res, range);
  res.end();
}

export async function deleteBlob(context: RequestContext, name: string, digest: Digest): Promise<void> {
  if (!context.registry.deleteEnabled) throw new RegistryError('UNSUPPORTED', { message: 'deletion is disabled' });
  await context.registry.blobs.unlink(name, digest);
  reply(context.res, 202);
}

/** One `bytes=` range (first-last, first-, or -suffix); null when unsatisfiable or malformed (416). */
export function parseRange(header: string, size: number): ByteRange | null | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}
