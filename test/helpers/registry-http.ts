// A tiny Distribution API client for tests: raw requests, random blobs, manifests, and pushes by the spec's steps.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The spec's error codes in a JSON error body. */
  codes(): string[];
  json<T = unknown>(): T;
}

export interface BlobData {
  bytes: Buffer;
  digest: string;
}

export interface ManifestData {
  bytes: Buffer;
  digest: string;
  mediaType: string;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface ApiInit {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export async function api(url: string, init: ApiInit = {}): Promise<ApiResponse> {
  const sent = init.body ? new Uint8Array(init.body) : undefined;
  const response = await fetch(url, { redirect: 'manual', method: init.method, headers: init.headers, body: sent });
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    body,
    codes: () => {
      try {
        return (JSON.parse(body.toString()) as { errors: Array<{ code: string }> }).errors.map((error) => error.code);
      } catch {
        return [];
      }
    },
    json: <T>() => JSON.parse(body.toString()) as T,
  };
}

export function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export function randomBlob(size = 1024): BlobData {
  const bytes = randomBytes(size);
  return { bytes, digest: digestOf(bytes) };
}

/** Resolves a Location header (absolute or relative) against the registry's base URL. */
export function locationUrl(base: string, location: string | null): string {
  if (!location) throw new Error('no Location header');
  return new URL(location, base).toString();
}

/** Appends `digest=` to an upload location that may already carry a query. */
export function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

/** POST then PUT with the whole body: the spec's two-step monolithic upload. */
export async function pushBlob(base: string, repo: string, blob: BlobData): Promise<ApiResponse> {
  const started = await api(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (started.status !== 202) throw new Error(`upload start: ${started.status} ${started.body}`);
  const location = locationUrl(base, started.headers.get('location'));
  return await api(withDigest(location, blob.digest), {
    method: 'PUT', body: blob.bytes, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.bytes.length) },
  });
}

export interface ManifestOptions {
  config: BlobData;
  layers: BlobData[];
  configMediaType?: string;
  subject?: ManifestData;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export function imageManifest(options: ManifestOptions): ManifestData {
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    config: { mediaType: options.configMediaType ?? OCI_CONFIG, digest: options.config.digest, size: options.config.bytes.length },
    layers: options.layers.map((layer) => ({ mediaType: OCI_LAYER, digest: layer.digest, size: layer.bytes.length })),
    ...(options.subject ? { subject: { mediaType: options.subject.mediaType, digest: options.subject.digest, size: options.subject.bytes.length } } : {}),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { bytes, digest: digestOf(bytes), mediaType: OCI_MANIFEST };
}

export function imageIndex(manifests: ManifestData[]): ManifestData {
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: manifests.map((m, i) => ({ mediaType: m.mediaType, digest: m.digest, size: m.bytes.length, platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' } })),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  return { bytes, digest: digestOf(bytes), mediaType: OCI_INDEX };
}

export function pushManifest(base: string, repo: string, reference: string, manifest: ManifestData): Promise<ApiResponse> {
  return api(`${base}/v2/${repo}/manifests/${reference}`, { method: 'PUT', body: manifest.bytes, headers: { 'Content-Type': manifest.mediaType } });
}

/** Pushes a config, layers and a manifest under a tag; returns the manifest. */
export async function pushImage(base: string, repo: string, tag: string, options: { layers?: number; layerSize?: number } = {}): Promise<{ manifest: ManifestData; config: BlobData; layers: BlobData[] }> {
  const config = { bytes: Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(8).toString('hex') })), digest: '' };
  config.digest = digestOf(config.bytes);
  // real gzip streams: clients such as skopeo look inside layers labelled tar+gzip
  const layers = Array.from({ length: options.layers ?? 1 }, () => {
    const bytes = gzipSync(randomBytes(options.layerSize ?? 2048));
    return { bytes, digest: digestOf(bytes) };
  });
  for (const blob of [config, ...layers]) {
    const pushed = await pushBlob(base, repo, blob);
    if (pushed.status !== 201) throw new Error(`blob push: ${pushed.status} ${pushed.body}`);
  }
  const manifest = imageManifest({ config, layers });
  const pushed = await pushManifest(base, repo, tag, manifest);
  if (pushed.status !== 201) throw new Error(`manifest push: ${pushed.status} ${pushed.body}`);
  return { manifest, config, layers };
}
