// Writes hand-made OCI image layouts: single images or a multi-platform index, tagged by ref-name annotations, for copy tests.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { hexOf, sha256 } from './byte-source.ts';
import { buildImage, type BuiltImage } from './image-builder.ts';

export interface LayoutPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PlatformEntry {
  image: BuiltImage;
  platform: LayoutPlatform;
}

export interface BuiltIndex {
  bytes: Buffer;
  digest: string;
  entries: PlatformEntry[];
}

const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
const REF_NAME = 'org.opencontainers.image.ref.name';

/** One small image per platform (config naming it, a layer saying it), gzip layers as registries serve them. */
export async function platformImages(platforms: LayoutPlatform[]): Promise<PlatformEntry[]> {
  const entries: PlatformEntry[] = [];
  for (const platform of platforms) {
    const layer = [{ path: 'platform.txt', type: 'file' as const, content: `${platform.os}/${platform.architecture}\n` }];
    const image = await buildImage({ layers: [layer], compression: 'gzip', os: platform.os, architecture: platform.architecture, variant: platform.variant });
    entries.push({ image, platform });
  }
  return entries;
}

/** An OCI image index over the entries, each named with its platform. */
export function imageIndex(entries: PlatformEntry[]): BuiltIndex {
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: INDEX_MEDIA_TYPE,
    manifests: entries.map(({ image, platform }) => ({ mediaType: image.manifestMediaType, digest: image.manifestDigest, size: image.manifest.length, platform })),
  }));
  return { bytes, digest: sha256(bytes), entries };
}

/** A layout holding the images' blobs and manifests; index.json names `tagged` entries (an image or an index) by tag. */
export async function writeLayout(dir: string, content: { images: BuiltImage[]; indexes?: BuiltIndex[]; tagged: Array<{ tag?: string; image?: BuiltImage; index?: BuiltIndex }> }): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const image of content.images) {
    for (const layer of image.layers) await pipeline(layer.blob.open(), createWriteStream(blobFile(dir, layer.digest)));
    await writeFile(blobFile(dir, image.id), image.config);
    await writeFile(blobFile(dir, image.manifestDigest), image.manifest);
  }
  for (const index of content.indexes ?? []) await writeFile(blobFile(dir, index.digest), index.bytes);
  const manifests = content.tagged.map(({ tag, image, index }) => ({
    mediaType: image ? image.manifestMediaType : INDEX_MEDIA_TYPE,
    digest: image ? image.manifestDigest : index!.digest,
    size: image ? image.manifest.length : index!.bytes.length,
    ...(tag ? { annotations: { [REF_NAME]: tag } } : {}),
  }));
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests }));
}

/** A multi-platform layout: every platform's image, the index over them, tagged `tag`. */
export async function writeMultiPlatformLayout(dir: string, platforms: LayoutPlatform[], tag = 'latest'): Promise<BuiltIndex> {
  const index = imageIndex(await platformImages(platforms));
  await writeLayout(dir, { images: index.entries.map((entry) => entry.image), indexes: [index], tagged: [{ tag, index }] });
  return index;
}

export function blobFile(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', hexOf(digest));
}
