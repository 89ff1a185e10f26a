// Chunked blob uploads: PATCH after PATCH with Content-Range, each to the Location the last answered, then a PUT with the digest.
// For registries (or proxies in front of them) that cap a request's body; a chunk is held in memory, so its size bounds memory.
import type { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/types.ts';
import type { HttpResponse } from './http-transport.ts';
import type { RegistryClient } from './registry-client.ts';

export interface UploadSession {
  client: RegistryClient;
  scopes: string[];
  /** Turns a failed response into the error to throw. */
  failure(response: HttpResponse, what: string): Promise<Error>;
}

/** `described` gives the digest the closing PUT names: known from the start, or once the bytes are all made. */
export async function uploadInChunks(session: UploadSession, start: URL, content: Readable, chunkBytes: number, described: Promise<Descriptor>): Promise<void> {
  let location = start;
  let offset = 0;
  for await (const chunk of chunksOf(content, chunkBytes)) {
    const headers = {
      'content-type': 'application/octet-stream',
      'content-length': String(chunk.length),
      'content-range': `${offset}-${offset + chunk.length - 1}`,
    };
    const response = await session.client.request({ method: 'PATCH', path: location.href, scopes: session.scopes, headers, body: chunk });
    response.body.resume();
    if (response.status !== 202) throw await session.failure(response, 'upload of a blob');
    location = new URL(String(response.headers.location ?? location.href), response.url);
    offset += chunk.length;
  }
  const descriptor = await described;
  location.searchParams.set('digest', descriptor.digest);
  const done = await session.client.request({ method: 'PUT', path: location.href, scopes: session.scopes, headers: { 'content-length': '0' } });
  done.body.resume();
  if (done.status !== 201) throw await session.failure(done, `upload of ${descriptor.digest}`);
}

/** Buffers of exactly `size` bytes (the last one shorter), cut from the stream's chunks as they come. */
async function* chunksOf(content: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let held = 0;
  for await (const piece of content) {
    let rest = piece as Buffer;
    while (held + rest.length >= size) {
      const take = size - held;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending);
      rest = rest.subarray(take);
      pending = [];
      held = 0;
    }
    if (rest.length) {
      pending.push(rest);
      held += rest.length;
    }
  }
  if (held > 0) yield Buffer.concat(pending);
}
