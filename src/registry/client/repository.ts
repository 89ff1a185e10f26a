// One repository of a registry: manifests, blobs, uploads and tags, over the Distribution API.
import type { Readable } from 'node:stream';
import { isDigest, sha256Of, type Digest } from '../../digest/digest.ts';
import { DigestMismatchError, InvalidContentError, LimitExceededError } from '../../errors.ts';
import { MediaType } from '../../oci/media-types.ts';
import type { Descriptor } from '../../oci/types.ts';
import type { ManifestBytes } from '../../transports/image-transport.ts';
import { pullScope, pushScope } from './auth/scopes.ts';
import { uploadInChunks, type UploadSession } from './chunked-upload.ts';
import type { HttpResponse } from './http-transport.ts';
import type { RegistryClient } from './registry-client.ts';
import { describeFailure, RegistryError, RegistryNotFoundError } from './registry-errors.ts';

/** The spec's limit on a manifest a registry must accept; more is refused before it is read. */
export const MAX_MANIFEST_BYTES = 4 << 20;

const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

export class Repository {
  readonly client: RegistryClient;
  /** The repository's path in the registry: `team/busybox`, `library/busybox`. */
  readonly name: string;
  private readonly scopes: string[];

  constructor(client: RegistryClient, name: string, options: { push: boolean }) {
    this.client = client;
    this.name = name;
    this.scopes = [options.push ? pushScope(name) : pullScope(name)];
  }

  /** A manifest or index by tag or digest, verified: by digest against it, by tag against Docker-Content-Digest. */
  async manifest(reference: string): Promise<ManifestBytes> {
    const response = await this.request('GET', `manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    if (response.status !== 200) throw await this.failure(response, `manifest ${reference}`);
    const declared = Number(response.headers['content-length']);
    if (declared > MAX_MANIFEST_BYTES) {
      response.body.destroy();
      throw new LimitExceededError(`manifest ${reference} of ${this.name} is ${declared} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit`);
    }
    const bytes = Buffer.from(await response.text(MAX_MANIFEST_BYTES), 'utf8');
    const digest = sha256Of(bytes);
    const expected = isDigest(reference) ? reference : (response.headers['docker-content-digest'] as Digest | undefined);
    if (expected && expected.startsWith('sha256:') && expected !== digest) {
      throw new DigestMismatchError(`manifest verification failed for digest ${expected}`);
    }
    return { bytes, digest, mediaType: manifestMediaType(bytes, response.headers['content-type']) };
  }

  /** The digest a tag points at, without the manifest (HEAD), or undefined when the tag is unknown. */
  async resolveTag(tag: string): Promise<Digest | undefined> {
    const response = await this.request('HEAD', `manifests/${tag}`, { accept: MANIFEST_ACCEPT });
    response.body.resume();
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw await this.failure(response, `manifest ${tag}`);
    return response.headers['docker-content-digest'] as Digest | undefined;
  }

  /** A blob's bytes; the caller verifies them. */
  async blob(descriptor: Descriptor): Promise<Readable> {
    return (await this.blobFrom(descriptor, 0)).stream;
  }

  /** A blob's bytes from `offset` on (a resumed download), or from 0 when the registry ignores the Range. */
  async blobFrom(descriptor: Descriptor, offset: number): Promise<{ stream: Readable; offset: number }> {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await this.client.request({ method: 'GET', path: this.path(`blobs/${descriptor.digest}`), scopes: this.scopes, headers, bulk: true });
    if (response.status === 206 && offset > 0 && contentRangeStart(response.headers['content-range']) === offset) return { stream: response.body, offset };
    if (response.status === 200) return { stream: response.body, offset: 0 };
    if (response.status === 416 && offset > 0) {
      // The partial file is already whole (or longer than the blob): start over rather than trust it.
      response.body.resume();
      return this.blobFrom(descriptor, 0);
    }
    throw await this.failure(response, `blob ${descriptor.digest}`);
  }

  async hasBlob(descriptor: Descriptor): Promise<boolean> {
    const response = await this.request('HEAD', `blobs/${descriptor.digest}`);
    response.body.resume();
    if (response.status === 404) return false;
    if (response.status !== 200) throw await this.failure(response, `blob ${descriptor.digest}`);
    return true;
  }

  /** Links a blob another repository of this registry holds; false when the registry would rather have it uploaded. */
  async mount(descriptor: Descriptor, from: string): Promise<boolean> {
    const query = new URLSearchParams({ mount: descriptor.digest, from });
    const response = await this.client.request({ method: 'POST', path: `${this.path('blobs/uploads/')}?${query}`, scopes: [...this.scopes, pullScope(from)], headers: { 'content-length': '0' } });
    response.body.resume();
    if (response.status === 201) return true;
    if (response.status === 202) {
      if (response.headers.location) await this.cancelUpload(new URL(response.headers.location, response.url));
      return false;
    }
    throw await this.failure(response, `mount of ${descriptor.digest}`);
  }

  /** A monolithic upload: POST opens the session (and settles auth), PUT streams the bytes with the digest. */
  async upload(descriptor: Descriptor, content: Readable, options: { chunkBytes?: number } = {}): Promise<void> {
    const location = await this.openUpload(descriptor.digest);
    if (options.chunkBytes) return uploadInChunks(this.session(), location, content, options.chunkBytes, Promise.resolve(descriptor));
    location.searchParams.set('digest', descriptor.digest);
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) };
    const response = await this.client.request({ method: 'PUT', path: location.href, scopes: this.scopes, headers, body: content });
    response.body.resume();
    if (response.status !== 201) throw await this.failure(response, `upload of ${descriptor.digest}`);
  }

  /**
   * An upload of bytes still being made, as Docker pushes a layer it compresses: one PATCH streams them (or PATCHes of
   * `chunkBytes`), and the PUT that names the digest waits for `described`. The session is cancelled if that fails.
   */
  async uploadAsMade(content: Readable, described: Promise<Descriptor>, options: { chunkBytes?: number } = {}): Promise<void> {
    const location = await this.openUpload('a layer');
    if (options.chunkBytes) return uploadInChunks(this.session(), location, content, options.chunkBytes, described);
    const headers = { 'content-type': 'application/octet-stream' };
    const response = await this.client.request({ method: 'PATCH', path: location.href, scopes: this.scopes, headers, body: content });
    response.body.resume();
    if (response.status !== 202) throw await this.failure(response, 'upload of a layer');
    const next = new URL(String(response.headers.location ?? location.href), response.url);
    const descriptor = await described.catch(async (error: unknown) => {
      await this.cancelUpload(next);
      throw error;
    });
    next.searchParams.set('digest', descriptor.digest);
    const done = await this.client.request({ method: 'PUT', path: next.href, scopes: this.scopes, headers: { 'content-length': '0' } });
    done.body.resume();
    if (done.status !== 201) throw await this.failure(done, `upload of ${descriptor.digest}`);
  }

  /** POST opens an upload session (and settles auth); resolves to where its bytes go. */
  private async openUpload(what: string): Promise<URL> {
    const session = await this.request('POST', 'blobs/uploads/', { 'content-length': '0' });
    session.body.resume();
    if (session.status !== 202) throw await this.failure(session, `upload of ${what}`);
    return new URL(String(session.headers.location), session.url);
  }

  private session(): UploadSession {
    return { client: this.client, scopes: this.scopes, failure: (response, what) => this.failure(response, what) };
  }

  async putManifest(reference: string, manifest: ManifestBytes): Promise<Digest> {
    const headers = { 'content-type': manifest.mediaType, 'content-length': String(manifest.bytes.length) };
    const response = await this.request('PUT', `manifests/${reference}`, headers, manifest.bytes);
    response.body.resume();
    if (response.status !== 201) throw await this.failure(response, `manifest ${reference}`);
    return (response.headers['docker-content-digest'] as Digest | undefined) ?? manifest.digest;
  }

  /** Every tag, following the `Link` pagination. */
  async tags(): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = this.path('tags/list');
    while (next) {
      const response = await this.client.request({ method: 'GET', path: next, scopes: this.scopes });
      if (response.status !== 200) throw await this.failure(response, 'tag list');
      const body = JSON.parse(await response.text()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      next = nextLink(response.headers.link as string | undefined);
    }
    return tags;
  }

  private request(method: string, suffix: string, headers: Record<string, string> = {}, body?: Buffer): Promise<HttpResponse> {
    return this.client.request({ method, path: this.path(suffix), scopes: this.scopes, headers, body });
  }

  private path(suffix: string): string {
    return `/v2/${this.name}/${suffix}`;
  }

  private async cancelUpload(location: URL): Promise<void> {
    const response = await this.client.request({ method: 'DELETE', path: location.href, scopes: this.scopes });
    response.body.resume();
  }

  private async failure(response: HttpResponse, what: string): Promise<Error> {
    const { text, code } = await describeFailure(response);
    if (response.status === 404) return new RegistryNotFoundError(text, { cause: { what, code } });
    return new RegistryError(text, { status: response.status, code });
  }
}

/** The media type the JSON declares, else the one the server sent; a manifest with neither is refused. */
function manifestMediaType(bytes: Buffer, contentType: string | undefined): string {
  let declared: string | undefined;
  try {
    declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType;
  } catch (error) {
    throw new InvalidContentError('registry sent a manifest that is not valid JSON', { cause: error });
  }
  const type = declared ?? contentType?.split(';')[0].trim();
  if (!type) throw new InvalidContentError('registry sent a manifest without a media type');
  return type;
}

function contentRangeStart(header: string | undefined): number | undefined {
  const match = header?.match(/^bytes (\d+)-/);
  return match ? Number(match[1]) : undefined;
}

function nextLink(header: string | undefined): string | undefined {
  const match = header?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  return match?.[1];
}
