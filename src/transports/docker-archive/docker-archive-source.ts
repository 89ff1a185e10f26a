// A `docker save` archive as an ImageSource (`docker-archive:FILE[:REF|:@N]`), blobs read in place as byte ranges of the file.
// Docker 25+ archives carry the image's OCI manifest, which is served byte for byte (its digest survives the copy); a classic
// archive has none, so one is synthesised: the OCI manifest `wharf load` then `wharf save` would write for it, whose digest is
// therefore stable but is not the digest the image had in any registry (nor skopeo's, which synthesises a schema2 manifest).
import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertDigest, isDigest, sha256Of, type Digest } from '../../digest/digest.ts';
import { HashingStream } from '../../digest/hashing-stream.ts';
import { InvalidContentError, LimitExceededError, NotFoundError } from '../../errors.ts';
import { detectCompression, type Compression } from '../../layers/compression.ts';
import { MediaType, isIndexMediaType } from '../../oci/media-types.ts';
import type { Descriptor, ImageIndex, ImageManifest } from '../../oci/types.ts';
import { parseImageConfig } from '../../oci/validate.ts';
import { canonicalString, parseReference, withDefaultTag, type Reference } from '../../reference/reference.ts';
import { MAX_ARCHIVE_JSON_BYTES } from '../archive-reader.ts';
import type { ImageSource, ManifestBytes } from '../image-transport.ts';
import { openArchiveFile, type ArchiveFile } from './archive-file.ts';
import { readEntry, resolveEntry, type TarEntry } from './tar-index.ts';

export interface DockerArchiveSourceOptions {
  /** Picks the image whose RepoTags hold this name. */
  reference?: Reference;
  /** Picks the image at this position of manifest.json. */
  sourceIndex?: number;
}

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

interface Layer {
  descriptor: Descriptor;
  entry: TarEntry;
}

export async function dockerArchiveSource(file: string, options: DockerArchiveSourceOptions = {}): Promise<ImageSource> {
  const archive = await openArchiveFile(file);
  try {
    const item = chooseItem(parseManifestJson(await readJson(archive, 'manifest.json')), options);
    const configEntry = requireEntry(archive, item.Config);
    const configBytes = await readSmall(archive, configEntry, item.Config);
    const configDigest = sha256Of(configBytes);
    const named = digestInPath(item.Config);
    if (named) assertDigest(configDigest, named, `invalid archive: ${item.Config}`);
    const diffIds = parseImageConfig(configBytes, configDigest).rootfs.diff_ids;
    if (diffIds.length !== item.Layers.length) throw new InvalidContentError(`invalid archive: the config lists ${diffIds.length} layers but manifest.json has ${item.Layers.length}`);
    const layerEntries = item.Layers.map((name) => requireEntry(archive, name));
    const stored = await storedManifest(archive, configDigest, layerEntries);
    const manifest = stored ?? (await synthesise(archive, { configDigest, configSize: configBytes.length, diffIds, layerNames: item.Layers, layerEntries }));
    const blobs = new Map<Digest, TarEntry>([[configDigest, configEntry], ...manifest.layers.map((layer): [Digest, TarEntry] => [layer.descriptor.digest, layer.entry])]);
    return {
      manifest: async (digest?: Digest) => {
        if (digest && digest !== manifest.bytes.digest) throw new NotFoundError(`manifest ${digest} is not in archive ${file}`);
        return manifest.bytes;
      },
      blob: async (descriptor: Descriptor): Promise<Readable> => {
        const entry = blobs.get(descriptor.digest);
        if (!entry) throw new NotFoundError(`blob ${descriptor.digest} is not in archive ${file}`);
        return rangeStream(archive, entry);
      },
      close: () => archive.close(),
    };
  } catch (error) {
    await archive.close();
    throw error;
  }
}

function parseManifestJson(bytes: Buffer | undefined): DockerManifestEntry[] {
  if (!bytes) throw new InvalidContentError('invalid archive: no manifest.json found (not a docker save archive)');
  const entries = parseJson<DockerManifestEntry[]>(bytes, 'manifest.json');
  const valid = (entry: DockerManifestEntry) => typeof entry?.Config === 'string' && Array.isArray(entry.Layers) && entry.Layers.every((layer) => typeof layer === 'string');
  if (!Array.isArray(entries) || !entries.every(valid)) throw new InvalidContentError('invalid archive: manifest.json is not a list of images');
  return entries;
}

/** containers/image's rules: by tag, by position, or the only image there is. */
function chooseItem(items: DockerManifestEntry[], options: DockerArchiveSourceOptions): DockerManifestEntry {
  if (options.reference) {
    const wanted = canonicalString(options.reference);
    const found = items.find((item) => (item.RepoTags ?? []).some((tag) => sameName(tag, wanted)));
    if (!found) throw new NotFoundError(`Tag ${JSON.stringify(wanted)} not found`);
    return found;
  }
  if (options.sourceIndex !== undefined) {
    if (options.sourceIndex >= items.length) throw new NotFoundError(`Invalid source index @${options.sourceIndex}, only ${items.length} manifest items available`);
    return items[options.sourceIndex];
  }
  if (items.length !== 1) throw new InvalidContentError(`Unexpected tar manifest.json: expected 1 item, got ${items.length}`, { fromDaemon: false });
  return items[0];
}

function sameName(tag: string, wanted: string): boolean {
  try {
    return canonicalString(withDefaultTag(parseReference(tag))) === wanted;
  } catch {
    return false;
  }
}

/** A Docker 25+ archive's own manifest for this config, when its index.json (or an index it names) has one whose every layer is in the archive. */
async function storedManifest(archive: ArchiveFile, configDigest: Digest, layerEntries: TarEntry[]): Promise<{ bytes: ManifestBytes; layers: Layer[] } | undefined> {
  const indexBytes = await readJson(archive, 'index.json');
  if (!indexBytes) return undefined;
  // Docker with the containerd image store names an index per image; its children are one level down.
  for (const descriptor of await withChildren(archive, descriptorsOf(parseJson<ImageIndex>(indexBytes, 'index.json')))) {
    const bytes = await readBlob(archive, descriptor);
    const manifest = bytes && parseJson<ImageManifest>(bytes, descriptor.digest);
    if (!bytes || manifest?.config?.digest !== configDigest || !Array.isArray(manifest.layers) || manifest.layers.length !== layerEntries.length) continue;
    const layers = manifest.layers.map((layer) => ({ descriptor: layer, entry: resolveEntry(archive.index, blobName(layer.digest))! }));
    if (layers.some((layer) => !layer.entry)) continue;
    return { bytes: { bytes, digest: descriptor.digest, mediaType: descriptor.mediaType ?? manifest.mediaType ?? MediaType.ociManifest }, layers };
  }
  return undefined;
}

async function withChildren(archive: ArchiveFile, descriptors: Descriptor[]): Promise<Descriptor[]> {
  const all: Descriptor[] = [];
  for (const descriptor of descriptors) {
    if (!isIndexMediaType(descriptor.mediaType)) all.push(descriptor);
    else {
      const bytes = await readBlob(archive, descriptor);
      if (bytes) all.push(...descriptorsOf(parseJson<ImageIndex>(bytes, descriptor.digest)).filter((child) => !isIndexMediaType(child.mediaType)));
    }
  }
  return all;
}

function descriptorsOf(index: ImageIndex | undefined): Descriptor[] {
  return (Array.isArray(index?.manifests) ? index.manifests : []).filter((descriptor) => typeof descriptor?.digest === 'string' && isDigest(descriptor.digest));
}

/** A manifest or index the archive holds, verified against its digest; undefined when the archive does not hold it. */
async function readBlob(archive: ArchiveFile, descriptor: Descriptor): Promise<Buffer | undefined> {
  const entry = resolveEntry(archive.index, blobName(descriptor.digest));
  if (!entry) return undefined;
  const bytes = await readSmall(archive, entry, descriptor.digest);
  assertDigest(sha256Of(bytes), descriptor.digest, `invalid archive: manifest ${descriptor.digest}`);
  return bytes;
}

interface SynthesisInput {
  configDigest: Digest;
  configSize: number;
  diffIds: Digest[];
  layerNames: string[];
  layerEntries: TarEntry[];
}

/** The manifest local-image.ts gives a loaded classic image: same fields, same order, so the same digest. */
async function synthesise(archive: ArchiveFile, input: SynthesisInput): Promise<{ bytes: ManifestBytes; layers: Layer[] }> {
  const layers: Layer[] = [];
  for (const [i, entry] of input.layerEntries.entries()) {
    const head = await readEntry(archive.handle, { offset: entry.offset, size: Math.min(6, entry.size) });
    const compression = detectCompression(head);
    const mediaType = LAYER_MEDIA_TYPES[compression];
    if (!mediaType) throw new InvalidContentError(`invalid archive: layer ${input.layerNames[i]} is ${compression}-compressed`);
    // A plain tar's digest is its diff ID, which the destination verifies as the bytes pass; a compressed one must be hashed.
    const digest = digestInPath(input.layerNames[i]) ?? (compression === 'none' ? input.diffIds[i] : await hashRange(archive, entry));
    layers.push({ descriptor: { mediaType, digest, size: entry.size }, entry });
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: input.configDigest, size: input.configSize },
    layers: layers.map((layer) => layer.descriptor),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { bytes: { bytes, digest: sha256Of(bytes), mediaType: MediaType.ociManifest }, layers };
}

const LAYER_MEDIA_TYPES: Partial<Record<Compression, string>> = { none: MediaType.ociLayer, gzip: MediaType.ociLayerGzip, zstd: MediaType.ociLayerZstd };

async function hashRange(archive: ArchiveFile, entry: TarEntry): Promise<Digest> {
  const hashing = new HashingStream();
  await pipeline(rangeStream(archive, entry), hashing, new Writable({ write: (_chunk, _encoding, done) => done() }));
  return hashing.digest();
}

/** A byte range of the archive; streams share the file handle, reading at their own positions. */
function rangeStream(archive: ArchiveFile, entry: TarEntry): Readable {
  if (entry.size === 0) return Readable.from([]);
  return createReadStream('', { fd: archive.handle, start: entry.offset, end: entry.offset + entry.size - 1, autoClose: false, highWaterMark: 1 << 20 });
}

/** `blobs/sha256/<hex>` (Docker 25+) and `<hex>.json` (classic config) name their own digest. */
function digestInPath(name: string): Digest | undefined {
  const oci = /^(?:\.\/)?blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
  const classic = /^(?:\.\/)?([a-f0-9]{64})\.json$/.exec(name);
  const digest = oci ? `${oci[1]}:${oci[2]}` : classic ? `sha256:${classic[1]}` : undefined;
  return digest && isDigest(digest) ? digest : undefined;
}

function blobName(digest: Digest): string {
  return `blobs/${digest.replace(':', '/')}`;
}

function requireEntry(archive: ArchiveFile, name: string): TarEntry {
  const entry = resolveEntry(archive.index, name);
  if (!entry) throw new InvalidContentError(`invalid archive: ${name} is named in the manifest but missing from the archive`);
  return entry;
}

async function readJson(archive: ArchiveFile, name: string): Promise<Buffer | undefined> {
  const entry = resolveEntry(archive.index, name);
  return entry ? readSmall(archive, entry, name) : undefined;
}

async function readSmall(archive: ArchiveFile, entry: TarEntry, what: string): Promise<Buffer> {
  if (entry.size > MAX_ARCHIVE_JSON_BYTES) throw new LimitExceededError(`invalid archive: ${what} is ${entry.size} bytes, over the ${MAX_ARCHIVE_JSON_BYTES}-byte limit for metadata`);
  return readEntry(archive.handle, entry);
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new InvalidContentError(`invalid archive: ${what} is not valid JSON`, { cause: error });
  }
}
