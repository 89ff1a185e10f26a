// Puts built test images straight into a registry over the Distribution API (monolithic uploads), including multi-platform indexes.
import assert from 'node:assert/strict';
import type { BuiltImage } from './image-builder.ts';
import { readAll, sha256 } from './byte-source.ts';

export interface PlatformImage {
  image: BuiltImage;
  platform: { os: string; architecture: string; variant?: string };
}

/** Pushes the image's blobs and manifest to `<url>/v2/<repository>`, tagged when `tag` is given; returns the manifest digest. */
export async function seedImage(url: string, repository: string, image: BuiltImage, tag?: string, auth: Auth = {}): Promise<string> {
  await uploadBlob(url, repository, image.config, auth);
  for (const layer of image.layers) await uploadBlob(url, repository, await readAll(layer.blob), auth);
  await putManifest(url, repository, tag ?? image.manifestDigest, image.manifest, image.manifestMediaType, auth);
  return image.manifestDigest;
}

/** Pushes each image by digest and an OCI index naming them with their platforms; returns the index and its digest. */
export async function seedIndex(url: string, repository: string, tag: string, images: PlatformImage[]): Promise<{ digest: string; index: Buffer }> {
  for (const { image } of images) await seedImage(url, repository, image);
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: images.map(({ image, platform }) => ({ mediaType: image.manifestMediaType, digest: image.manifestDigest, size: image.manifest.length, platform })),
  }));
  await putManifest(url, repository, tag, index, 'application/vnd.oci.image.index.v1+json');
  return { digest: sha256(index), index };
}

/** An Authorization header for registries that want one. */
interface Auth {
  authorization?: string;
}

async function uploadBlob(url: string, repository: string, data: Buffer, auth: Auth = {}): Promise<void> {
  const digest = sha256(data);
  const session = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { ...auth } });
  await session.body?.cancel();
  assert.equal(session.status, 202, `upload session in ${repository}: ${session.status}`);
  const location = new URL(session.headers.get('location')!, url);
  location.searchParams.set('digest', digest);
  const response = await fetch(location, { method: 'PUT', body: Uint8Array.from(data), headers: { 'content-type': 'application/octet-stream', ...auth } });
  await response.body?.cancel();
  assert.equal(response.status, 201, `upload of ${digest} to ${repository}: ${response.status}`);
}

async function putManifest(url: string, repository: string, reference: string, bytes: Buffer, mediaType: string, auth: Auth = {}): Promise<void> {
  const response = await fetch(`${url}/v2/${repository}/manifests/${reference}`, { method: 'PUT', body: Uint8Array.from(bytes), headers: { 'content-type': mediaType, ...auth } });
  const text = await response.text();
  assert.equal(response.status, 201, `manifest ${reference} to ${repository}: ${response.status} ${text}`);
}
