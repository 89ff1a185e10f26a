// Builds hostile image archives (path escapes, bad digests, missing or cut data, gzip bombs) for bad-input tests.
import { stat, truncate } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { type ByteSource, fromBuffer, hashTap, hexOf, sha256 } from './byte-source.ts';
import { type ArchiveImage, blobPath, classicItems, ociArchiveItems } from './image-archives.ts';
import {
  assembleImage,
  type BuiltImage,
  type BuiltLayer,
  buildImage,
  buildLayer,
  busyboxFixture,
  type EntrySpec,
  type LayerSpec,
} from './image-builder.ts';
import { packTar, type TarItem, writeTarFile } from './tar-writer.ts';

export type EscapeKind = 'path-traversal' | 'symlink-escape' | 'hardlink-escape';
export type HostileKind = EscapeKind | 'digest-mismatch' | 'missing-layer' | 'truncated' | 'gzip-bomb';

export interface HostileOptions {
  /** `docker save` layout: classic (default) or Docker 25+ OCI. */
  format?: 'classic' | 'oci';
  /** The host directory escaping entries aim at; tests pass their own and check it stays untouched. */
  outside?: string;
  /** truncated: bytes kept (default half the archive). */
  cutAt?: number;
  /** gzip-bomb: size of the zero-filled file inside (default 1 GiB, about 1 MiB compressed). */
  bombBytes?: number;
  repoTag?: string;
}

const DEFAULT_OUTSIDE = '/tmp/wharf-hostile-outside';
const CLIMB = '../'.repeat(8);
const BASE_LAYER: EntrySpec[] = [
  { path: 'etc', type: 'dir' },
  { path: 'etc/hostname', type: 'file', content: 'hostile\n' },
];

/** Layers that try to write outside the directory they are applied to; order matters, so it is kept. */
export function escapeLayer(kind: EscapeKind, outside = DEFAULT_OUTSIDE): LayerSpec {
  const climbed = CLIMB + outside.replace(/^\/+/, '');
  const entries: Record<EscapeKind, EntrySpec[]> = {
    'path-traversal': [
      { path: '../escape', type: 'file', content: 'escaped\n' },
      { path: `${climbed}/escape`, type: 'file', content: 'escaped\n' },
    ],
    'symlink-escape': [
      { path: 'escape', type: 'symlink', linkname: outside },
      { path: 'escape/pwned', type: 'file', content: 'pwned\n' },
    ],
    'hardlink-escape': [{ path: 'stolen', type: 'hardlink', linkname: `${climbed}/secret` }],
  };
  return { entries: entries[kind], order: 'as-given' };
}

/** Writes the archive and returns the image it claims to hold (for digest-mismatch, the untampered one). */
export async function writeHostileArchive(path: string, kind: HostileKind, options: HostileOptions = {}): Promise<BuiltImage> {
  const { format = 'classic', repoTag = `hostile:${kind}` } = options;
  const write = (image: BuiltImage, edit: (items: TarItem[]) => TarItem[] = (items) => items) =>
    writeTarFile(path, edit(archiveItems(format, [{ image, repoTags: [repoTag] }]))).then(() => image);
  switch (kind) {
    case 'path-traversal':
    case 'symlink-escape':
    case 'hardlink-escape':
      return write(await buildImage({ layers: [BASE_LAYER, escapeLayer(kind, options.outside)] }));
    case 'digest-mismatch':
      return writeDigestMismatch(write, format);
    case 'missing-layer': {
      const image = await buildImage({ layers: [BASE_LAYER, [{ path: 'missing', type: 'file', content: 'x' }]] });
      const gone = layerPath(format, image.layers[1]);
      return write(image, (items) => items.filter((item) => item.name !== gone));
    }
    case 'truncated': {
      const image = await write(await busyboxFixture(repoTag));
      await truncate(path, options.cutAt ?? Math.floor((await stat(path)).size / 2));
      return image;
    }
    case 'gzip-bomb': {
      const layers = [await buildLayer(BASE_LAYER, 'gzip'), await gzipBombLayer(options.bombBytes ?? 2 ** 30)];
      const image = assembleImage(layers, {});
      // classic archives hold plain tars; the bomb only works if the compressed blob goes in as is
      return write(image, (items) => replaceBody(items, layerPath(format, layers[1]), layers[1].blob));
    }
  }
}

type Writer = (image: BuiltImage, edit?: (items: TarItem[]) => TarItem[]) => Promise<BuiltImage>;

/** Same size, different bytes: only a digest check can tell. */
async function writeDigestMismatch(write: Writer, format: 'classic' | 'oci'): Promise<BuiltImage> {
  const file = (content: string): EntrySpec[] => [{ path: 'hello.txt', type: 'file', content }];
  const image = await buildImage({ layers: [BASE_LAYER, file('hello, world\n')] });
  const tampered = await buildLayer(file('HELLO, WORLD\n'), 'none');
  return write(image, (items) => replaceBody(items, layerPath(format, image.layers[1]), tampered.blob));
}

function archiveItems(format: 'classic' | 'oci', images: ArchiveImage[]): TarItem[] {
  return format === 'classic' ? classicItems(images) : ociArchiveItems(images);
}

function layerPath(format: 'classic' | 'oci', layer: BuiltLayer): string {
  return format === 'classic' ? `${hexOf(layer.diffId)}/layer.tar` : blobPath(layer.digest);
}

function replaceBody(items: TarItem[], name: string, body: ByteSource): TarItem[] {
  return items.map((item) => (item.name === name ? { ...item, body } : item));
}

/** A valid gzip'd layer with one zero-filled file; only its compressed form is ever held in memory. */
export async function gzipBombLayer(bytes: number): Promise<BuiltLayer> {
  const { tap, digest, size } = hashTap();
  const chunks: Buffer[] = [];
  const item: TarItem = { name: 'bomb', type: 'file', body: zeros(bytes) };
  await pipeline(packTar([item]), tap, createGzip({ level: 9 }), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  const blob = Buffer.concat(chunks);
  const tar = { size: size(), open: () => fromBuffer(blob).open().pipe(createGunzip()) };
  return { diffId: digest(), tar, compression: 'gzip', digest: sha256(blob), blob: fromBuffer(blob) };
}

const ZEROS = Buffer.alloc(1 << 20);

function zeros(size: number): ByteSource {
  function* chunks() {
    for (let left = size; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
  }
  return { size, open: () => Readable.from(chunks()) };
}
