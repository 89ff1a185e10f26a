// Small HTTP helpers for handlers: replies with the registry's headers, error bodies, bounded request bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryError } from './error-codes.ts';

export type Headers = Record<string, string | number>;

export function reply(res: ServerResponse, status: number, headers: Headers = {}, body?: Buffer | string): void {
  const length = body === undefined ? 0 : Buffer.byteLength(body);
  res.writeHead(status, { 'Content-Length': length, ...headers });
  res.end(body);
}

export function replyJson(res: ServerResponse, status: number, value: unknown, headers: Headers = {}): void {
  reply(res, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));
}

export function replyError(res: ServerResponse, error: RegistryError, headers: Headers = {}): void {
  if (res.headersSent) return void res.destroy();
  reply(res, error.status, { 'Content-Type': 'application/json', ...headers }, error.body());
}

/** True when the request carries a body (a length above zero, or chunked transfer). */
export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** Reads a small body whole, refusing (with `tooLarge`) anything over `limit` bytes, as declared or as sent. */
export function readBody(req: IncomingMessage, limit: number, tooLarge: () => RegistryError): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  // events, not for-await: leaving a for-await early destroys the socket, and the client would never see the 413
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).pause();
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/** Reads and drops what is left of a refused request's body, up to `limit` bytes; true when it all came. */
export function drainBody(req: IncomingMessage, limit: number): Promise<boolean> {
  if (req.complete || req.destroyed) return Promise.resolve(req.complete);
  return new Promise((resolve) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(false);
    };
    const finish = (complete: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(complete);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    req.on('data', onData).once('end', onEnd).once('error', onError).resume();
  });
}

/** `n` as the spec reads it: absent, or a non-negative integer (PAGINATION_NUMBER_INVALID otherwise). */
export function pageSize(query: URLSearchParams): number | undefined {
  const n = query.get('n');
  if (n === null) return undefined;
  if (!/^\d{1,9}$/.test(n)) throw new RegistryError('PAGINATION_NUMBER_INVALID', { detail: { n } });
  return Number(n);
}

/** The `Link` header pointing at the next page. */
export function nextLink(path: string, n: number, last: string): string {
  return `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"`;
}
