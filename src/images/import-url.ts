// The tarball `import` reads from an http(s) URL, streamed as it downloads, with Go's wording when it cannot be had.
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { WharfError } from '../errors.ts';

export const isImportUrl = (source: string): boolean => /^https?:\/\//.test(source);

export async function openImportUrl(url: string): Promise<Readable> {
  const response = await fetch(url).catch((error: unknown) => {
    throw new WharfError(`Get "${url}": ${(error as Error).message}`, { cause: error });
  });
  if (!response.ok || !response.body) throw new WharfError(`Get "${url}": unexpected status ${response.status}`);
  return Readable.fromWeb(response.body as ReadableStream);
}
