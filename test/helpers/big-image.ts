// Builds big benchmark images whose layers stream from a seeded keystream to disk, never whole in memory.
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type ByteSource, fromFile, hashTap } from './byte-source.ts';
import { assembleImage, type BuiltImage, type BuiltLayer, type Compression, type ConfigOptions } from './image-builder.ts';
import { type TarItem, writeTarFile } from './tar-writer.ts';
import { tempDir } from './temp-dir.ts';

export interface BigImageOptions extends ConfigOptions {
  /** File content across all layers (tar headers come on top). */
  totalBytes: number;
  layers: number;
  /** Where the layer files go; default a new temp dir, which the caller removes (`dir` in the result). */
  dir?: string;
  /** Each layer's content is split into files of at most this size (default 16 MiB). */
  fileBytes?: number;
  /** Same seed, same bytes (default 'wharf'). */
  seed?: string;
  compression?: Compression;
}

export interface BigImage extends BuiltImage {
  dir: string;
}

const CHUNK = 1 << 20;
const ZEROS = Buffer.alloc(CHUNK);

export async function buildBigImage(options: BigImageOptions): Promise<BigImage> {
  const { totalBytes, layers: count, fileBytes = 16 << 20, seed = 'wharf', compression = 'none' } = options;
  const dir = options.dir ?? tempDir(undefined, 'wharf-big-');
  await mkdir(dir, { recursive: true });
  const layers: BuiltLayer[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = Math.floor(totalBytes / count) + (i < totalBytes % count ? 1 : 0);
    const items = layerItems(i, bytes, fileBytes, seed);
    layers.push(await writeLayer(join(dir, `layer-${i}.tar`), items, compression));
  }
  return { ...assembleImage(layers, options), dir };
}

function layerItems(layer: number, bytes: number, fileBytes: number, seed: string): TarItem[] {
  const top = `data/layer-${String(layer).padStart(4, '0')}`;
  const items: TarItem[] = [
    { name: 'data', type: 'directory' },
    { name: top, type: 'directory' },
  ];
  for (let file = 0, left = bytes; left > 0; file++, left -= fileBytes) {
    const name = `${top}/file-${String(file).padStart(6, '0')}.bin`;
    items.push({ name, type: 'file', body: keystream(Math.min(left, fileBytes), `${seed}/${name}`) });
  }
  return items;
}

/** AES-CTR over zeros: a fast, seeded, deterministic stream that gzip cannot shrink, like real binaries at worst. */
function keystream(size: number, seed: string): ByteSource {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  function* chunks() {
    const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
    for (let left = size; left > 0; left -= CHUNK) yield cipher.update(ZEROS.subarray(0, Math.min(left, CHUNK)));
  }
  return { size, open: () => Readable.from(chunks()) };
}

async function writeLayer(file: string, items: TarItem[], compression: Compression): Promise<BuiltLayer> {
  const { digest: diffId, size } = await writeTarFile(file, items);
  const tar = fromFile(file, size);
  if (compression === 'none') return { diffId, tar, compression, digest: diffId, blob: tar };
  const { tap, digest, size: blobSize } = hashTap();
  await pipeline(createReadStream(file), createGzip(), tap, createWriteStream(`${file}.gz`));
  return { diffId, tar, compression, digest: digest(), blob: fromFile(`${file}.gz`, blobSize()) };
}
