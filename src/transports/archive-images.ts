// Turns a staged archive into the images it holds: from manifest.json (docker save) or index.json (OCI).
import type { Digest } from '../digest/digest.ts';
import { DigestMismatchError, InvalidContentError } from '../errors.ts';
import { MediaType, isIndexMediaType } from '../oci/media-types.ts';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from '../oci/types.ts';
import type { StagedArchive, StagedFile } from './archive-reader.ts';
import { parseImageConfig } from '../oci/validate.ts';
import type { LayerFacts } from './layer-analysis.ts';
import { hostArchitecture } from '../oci/platform.ts';

export interface ArchiveLayer extends LayerFacts {
  blob: { digest: Digest; size: number; mediaType: string };
}

export interface ArchiveImage {
  configDigest: Digest;
  config: ImageConfig;
  layers: ArchiveLayer[];
  /** Names as written in the archive (`busybox:latest`, `docker.io/library/busybox:latest`). */
  names: string[];
  manifestDigest?: Digest;
}

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

export async function imagesInArchive(staged: StagedArchive, readBlob: (digest: Digest) => Promise<Buffer>): Promise<ArchiveImage[]> {
  const dockerManifest = staged.json.get('manifest.json');
  if (dockerManifest) return fromDockerManifest(staged, parseJson<DockerManifestEntry[]>(dockerManifest, 'manifest.json'), readBlob);
  const index = staged.json.get('index.json');
  if (index) return fromOciIndex(staged, parseJson<ImageIndex>(index, 'index.json'), readBlob);
  throw new InvalidContentError('invalid archive: no manifest.json or index.json found (not a docker save archive or OCI layout)');
}

async function fromDockerManifest(staged: StagedArchive, entries: DockerManifestEntry[], readBlob: (digest: Digest) => Promise<Buffer>): Promise<ArchiveImage[]> {
  if (!Array.isArray(entries)) throw new InvalidContentError('invalid archive: manifest.json is not a list');
  const manifests = await ociManifestsByConfig(staged, readBlob);
  const images: ArchiveImage[] = [];
  for (const entry of entries) {
    const configFile = requireFile(staged, entry.Config);
    const config = parseImageConfig(await readBlob(configFile.digest), entry.Config);
    const layers = (entry.Layers ?? []).map((layerPath) => layerFromFile(requireFile(staged, layerPath), layerPath, undefined));
    checkDiffIds(config, layers);
    images.push({ configDigest: configFile.digest, config, layers, names: entry.RepoTags ?? [], manifestDigest: manifests.get(configFile.digest) });
  }
  return images;
}

/** Docker 25+ archives carry the OCI manifest too; remembering its digest keeps it stable on save. */
async function ociManifestsByConfig(staged: StagedArchive, readBlob: (digest: Digest) => Promise<Buffer>): Promise<Map<Digest, Digest>> {
  const byConfig = new Map<Digest, Digest>();
  const index = staged.json.get('index.json');
  if (!index) return byConfig;
  for (const descriptor of parseJson<ImageIndex>(index, 'index.json').manifests ?? []) {
    const file = staged.files.get(`blobs/${descriptor.digest.replace(':', '/')}`);
    if (!file || isIndexMediaType(descriptor.mediaType)) continue;
    const manifest = parseJson<ImageManifest>(await readBlob(file.digest), descriptor.digest);
    if (manifest.config?.digest) byConfig.set(manifest.config.digest, descriptor.digest);
  }
  return byConfig;
}

async function fromOciIndex(staged: StagedArchive, index: ImageIndex, readBlob: (digest: Digest) => Promise<Buffer>): Promise<ArchiveImage[]> {
  const images: ArchiveImage[] = [];
  for (const descriptor of index.manifests ?? []) {
    images.push(...(await imagesFromDescriptor(staged, descriptor, readBlob, nameOf(descriptor))));
  }
  return images;
}

async function imagesFromDescriptor(staged: StagedArchive, descriptor: Descriptor, readBlob: (digest: Digest) => Promise<Buffer>, name: string | undefined): Promise<ArchiveImage[]> {
  const bytes = await readBlob(requireBlob(staged, descriptor.digest).digest);
  if (isIndexMediaType(descriptor.mediaType)) {
    const nested = parseJson<ImageIndex>(bytes, descriptor.digest);
    const chosen = hostPlatformEntry(nested.manifests.filter((entry) => staged.files.has(`blobs/${entry.digest.replace(':', '/')}`)));
    return chosen ? imagesFromDescriptor(staged, chosen, readBlob, name) : [];
  }
  const manifest = parseJson<ImageManifest>(bytes, descriptor.digest);
  const configFile = requireBlob(staged, manifest.config.digest);
  const config = parseImageConfig(await readBlob(configFile.digest), manifest.config.digest);
  const layers = manifest.layers.map((layer) => layerFromFile(requireBlob(staged, layer.digest), layer.digest, layer.mediaType));
  checkDiffIds(config, layers);
  return [{ configDigest: configFile.digest, config, layers, names: name ? [name] : [], manifestDigest: descriptor.digest }];
}

/** A multi-platform index loads as the host's platform, the first entry standing in when none matches. */
function hostPlatformEntry(entries: Descriptor[]): Descriptor | undefined {
  const arch = hostArchitecture();
  return entries.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === arch) ?? entries[0];
}

function nameOf(descriptor: Descriptor): string | undefined {
  const annotations = descriptor.annotations ?? {};
  const full = annotations['io.containerd.image.name'];
  if (full) return full;
  const refName = annotations['org.opencontainers.image.ref.name'];
  // A bare tag ("latest") names no repository; only a full reference makes a name.
  return refName && /[/:]/.test(refName) ? refName : undefined;
}

function layerFromFile(file: StagedFile, where: string, mediaType: string | undefined): ArchiveLayer {
  if (!file.layer) throw new InvalidContentError(`invalid archive: ${where} is not a layer tar`);
  const type = mediaType ?? defaultLayerMediaType(file.layer.compression);
  return { ...file.layer, blob: { digest: file.digest, size: file.size, mediaType: type } };
}

function defaultLayerMediaType(compression: LayerFacts['compression']): string {
  if (compression === 'gzip') return MediaType.ociLayerGzip;
  if (compression === 'zstd') return MediaType.ociLayerZstd;
  return MediaType.ociLayer;
}

function checkDiffIds(config: ImageConfig, layers: ArchiveLayer[]): void {
  const expected = config.rootfs.diff_ids;
  if (expected.length !== layers.length) {
    throw new InvalidContentError(`invalid archive: the config lists ${expected.length} layers but the manifest has ${layers.length}`);
  }
  layers.forEach((layer, i) => {
    if (layer.diffId !== expected[i]) {
      throw new DigestMismatchError(`invalid diffID for layer ${i}: expected "${expected[i]}", got "${layer.diffId}"`);
    }
  });
}

function requireFile(staged: StagedArchive, name: string): StagedFile {
  const file = staged.files.get(name.replace(/^\.?\//, ''));
  if (!file) throw new InvalidContentError(`invalid archive: ${name} is named in the manifest but missing from the archive`);
  return file;
}

function requireBlob(staged: StagedArchive, digest: Digest): StagedFile {
  return requireFile(staged, `blobs/${digest.replace(':', '/')}`);
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new InvalidContentError(`invalid archive: ${what} is not valid JSON`, { cause: error });
  }
}
