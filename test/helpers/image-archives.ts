// Writes built images as `docker save` archives (classic and Docker 25+ OCI) and as OCI image layouts.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type ByteSource, fromBuffer, hexOf } from './byte-source.ts';
import type { BuiltImage } from './image-builder.ts';
import { compareTarNames, type TarItem, writeTarFile } from './tar-writer.ts';

export interface ArchiveImage {
  image: BuiltImage;
  /** e.g. `busybox:latest`, `localhost:5000/ns/app:v1`. */
  repoTags?: string[];
}

export interface WrittenImage {
  id: string;
  diffIds: string[];
  manifestDigest: string;
  repoTags: string[];
}

const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';

/** `docker save` before Docker 25: `<diffid hex>/layer.tar`, `<config hex>.json`, manifest.json, repositories. */
export async function writeClassicArchive(path: string, images: ArchiveImage[]): Promise<WrittenImage[]> {
  await writeTarFile(path, classicItems(images));
  return written(images);
}

/** `docker save` from Docker 25: an OCI layout plus Docker's manifest.json and repositories. */
export async function writeOciArchive(path: string, images: ArchiveImage[]): Promise<WrittenImage[]> {
  await writeTarFile(path, ociArchiveItems(images));
  return written(images);
}

/** A plain OCI image layout directory (`oci:DIR`). */
export async function writeOciLayout(dir: string, images: ArchiveImage[]): Promise<WrittenImage[]> {
  for (const item of ociLayoutItems(images)) await writeItem(dir, item);
  return written(images);
}

/** A tarball of a plain OCI image layout (`oci-archive:FILE`). */
export async function writeOciLayoutArchive(path: string, images: ArchiveImage[]): Promise<WrittenImage[]> {
  await writeTarFile(path, ociLayoutItems(images));
  return written(images);
}

export function classicItems(images: ArchiveImage[]): TarItem[] {
  const files = new Map<string, ByteSource>();
  const manifest = images.map(({ image, repoTags = [] }) => {
    const layerPaths = image.layers.map((layer) => `${hexOf(layer.diffId)}/layer.tar`);
    image.layers.forEach((layer, i) => files.set(layerPaths[i], layer.tar));
    files.set(`${hexOf(image.id)}.json`, fromBuffer(image.config));
    return { Config: `${hexOf(image.id)}.json`, RepoTags: repoTags.length ? repoTags : null, Layers: layerPaths };
  });
  addDockerFiles(files, manifest, images);
  return treeItems(files);
}

export function ociArchiveItems(images: ArchiveImage[]): TarItem[] {
  const files = layoutFiles(images);
  const manifest = images.map(({ image, repoTags = [] }) => ({
    Config: blobPath(image.id),
    RepoTags: repoTags.length ? repoTags : null,
    Layers: image.layers.map((layer) => blobPath(layer.digest)),
  }));
  addDockerFiles(files, manifest, images);
  return treeItems(files);
}

export function ociLayoutItems(images: ArchiveImage[]): TarItem[] {
  return treeItems(layoutFiles(images));
}

export function blobPath(digest: string): string {
  return `blobs/sha256/${hexOf(digest)}`;
}

function layoutFiles(images: ArchiveImage[]): Map<string, ByteSource> {
  const files = new Map<string, ByteSource>();
  for (const { image } of images) {
    for (const layer of image.layers) files.set(blobPath(layer.digest), layer.blob);
    files.set(blobPath(image.id), fromBuffer(image.config));
    files.set(blobPath(image.manifestDigest), fromBuffer(image.manifest));
  }
  files.set('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  files.set('index.json', json({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: images.flatMap(descriptors) }));
  return files;
}

/** One descriptor per tag, annotated the way Docker and BuildKit do; an untagged image gets a bare one. */
function descriptors({ image, repoTags = [] }: ArchiveImage): object[] {
  const descriptor = { mediaType: image.manifestMediaType, digest: image.manifestDigest, size: image.manifest.length };
  if (!repoTags.length) return [descriptor];
  return repoTags.map((ref) => {
    const [repo, tag] = splitTag(ref);
    const annotations = { 'io.containerd.image.name': `${normalizeRepo(repo)}:${tag}`, 'org.opencontainers.image.ref.name': tag };
    return { ...descriptor, annotations };
  });
}

function addDockerFiles(files: Map<string, ByteSource>, manifest: object[], images: ArchiveImage[]): void {
  files.set('manifest.json', json(manifest));
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, repoTags = [] } of images) {
    const top = image.layers.at(-1);
    for (const ref of repoTags) {
      const [repo, tag] = splitTag(ref);
      repositories[repo] = { ...repositories[repo], [tag]: top ? hexOf(top.diffId) : '' };
    }
  }
  if (Object.keys(repositories).length) files.set('repositories', json(repositories));
}

function splitTag(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}

/** Docker's normalisation: `busybox` → `docker.io/library/busybox`, `me/app` → `docker.io/me/app`. */
function normalizeRepo(repo: string): string {
  const first = repo.split('/')[0];
  const hasDomain = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain) return repo;
  return repo.includes('/') ? `docker.io/${repo}` : `docker.io/library/${repo}`;
}

/** Files plus an entry for each parent directory, in tar order. */
export function treeItems(files: Map<string, ByteSource>): TarItem[] {
  const dirs = new Set<string>();
  for (const name of files.keys()) {
    for (let dir = dirname(name); dir !== '.'; dir = dirname(dir)) dirs.add(dir);
  }
  const items: TarItem[] = [
    ...[...dirs].map((name): TarItem => ({ name, type: 'directory' })),
    ...[...files].map(([name, body]): TarItem => ({ name, type: 'file', body })),
  ];
  return items.sort((a, b) => compareTarNames(a.name, b.name));
}

async function writeItem(root: string, item: TarItem): Promise<void> {
  const target = join(root, item.name);
  if (item.type === 'directory') return void (await mkdir(target, { recursive: true }));
  await mkdir(dirname(target), { recursive: true });
  if (item.body) await pipeline(item.body.open(), createWriteStream(target));
}

function json(value: unknown): ByteSource {
  return fromBuffer(Buffer.from(JSON.stringify(value)));
}

function written(images: ArchiveImage[]): WrittenImage[] {
  return images.map(({ image, repoTags = [] }) => ({
    id: image.id,
    diffIds: image.diffIds,
    manifestDigest: image.manifestDigest,
    repoTags,
  }));
}
