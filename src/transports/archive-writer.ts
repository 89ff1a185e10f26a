// Writes images as a Docker 25+ `docker save` archive: an OCI layout (oci-layout, index.json, blobs/)
// plus the classic manifest.json, so both old and new `docker load`, and skopeo, read it.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Digest } from '../digest/digest.ts';
import type { Descriptor } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import type { ImageManifestView } from './local-image.ts';

export interface SaveEntry {
  image: ImageManifestView;
  /** Fully qualified tag names to record for this image (may be empty). */
  tags: string[];
  familiarTags: string[];
}

const FIXED_MTIME = new Date(0);

export async function writeArchive(store: Store, entries: SaveEntry[], output: Writable): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, output);
  const written = new Set<Digest>();
  for (const { image } of entries) {
    for (const blob of [image.config, ...image.layers]) await addBlob(pack, store, blob.digest, blob.size, written);
    await addBytes(pack, blobName(image.manifestDigest), image.manifestBytes, written, image.manifestDigest);
  }
  await addArchiveMetadata(pack, entries);
  pack.finalize();
  await done;
}

/** The files that close an archive once its blobs (and manifests, as blobs) are in: index.json, manifest.json, oci-layout. */
export async function addArchiveMetadata(pack: tar.Pack, entries: SaveEntry[]): Promise<void> {
  await addFile(pack, 'index.json', Buffer.from(JSON.stringify(indexOf(entries))));
  await addFile(pack, 'manifest.json', Buffer.from(JSON.stringify(dockerManifestOf(entries))));
  await addFile(pack, 'oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
}

function indexOf(entries: SaveEntry[]): object {
  const manifests = entries.flatMap(({ image, tags }) => {
    const descriptor: Descriptor = { mediaType: image.manifestMediaType, digest: image.manifestDigest, size: image.manifestBytes.length };
    if (tags.length === 0) return [descriptor];
    return tags.map((tag) => ({
      ...descriptor,
      annotations: { 'io.containerd.image.name': tag, 'org.opencontainers.image.ref.name': tag.slice(tag.lastIndexOf(':') + 1) },
    }));
  });
  return { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests };
}

function dockerManifestOf(entries: SaveEntry[]): object[] {
  return entries.map(({ image, familiarTags }) => ({
    Config: blobName(image.config.digest),
    RepoTags: familiarTags.length > 0 ? familiarTags : null,
    Layers: image.layers.map((layer) => blobName(layer.digest)),
  }));
}

export function blobName(digest: Digest): string {
  return `blobs/${digest.replace(':', '/')}`;
}

async function addBlob(pack: tar.Pack, store: Store, digest: Digest, size: number, written: Set<Digest>): Promise<void> {
  if (written.has(digest)) return;
  written.add(digest);
  const entry = pack.entry({ name: blobName(digest), size, mode: 0o444, mtime: FIXED_MTIME });
  await pipeline(store.content.read(digest), entry);
}

async function addBytes(pack: tar.Pack, name: string, bytes: Buffer, written: Set<Digest>, digest: Digest): Promise<void> {
  if (written.has(digest)) return;
  written.add(digest);
  await addFile(pack, name, bytes, 0o444);
}

function addFile(pack: tar.Pack, name: string, bytes: Buffer, mode = 0o644): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: bytes.length, mode, mtime: FIXED_MTIME }, bytes, (error) => (error ? reject(error) : resolve()));
  });
}
