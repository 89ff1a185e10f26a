// Builds real, byte-for-byte reproducible test images (layers, config, manifest) without network or Docker.
import { gzipSync } from 'node:zlib';
import { busyboxEntries } from './busybox-rootfs.ts';
import { type ByteSource, fromBuffer, sha256 } from './byte-source.ts';
import { compareTarNames, FIXED_CREATED, type TarItem, tarBuffer } from './tar-writer.ts';

export { writeClassicArchive, writeOciArchive, writeOciLayout, writeOciLayoutArchive } from './image-archives.ts';

export interface EntrySpec {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string | Buffer;
  mode?: number;
  linkname?: string;
  uid?: number;
  gid?: number;
  pax?: Record<string, string>;
}

/** Entries are sorted by name unless `order: 'as-given'` (hostile layers need exact order). */
export type LayerSpec = EntrySpec[] | { busybox: true } | { entries: EntrySpec[]; order: 'as-given' };

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export type Compression = 'none' | 'gzip';

export interface ConfigOptions {
  created?: string;
  architecture?: string;
  os?: string;
  variant?: string;
  env?: string[];
  /** null leaves Cmd out. */
  cmd?: string[] | null;
  entrypoint?: string[];
  workingDir?: string;
  labels?: Record<string, string>;
  /** More keys for the container `config` object (User, ExposedPorts, Volumes…). */
  containerConfig?: Record<string, unknown>;
  history?: HistoryEntry[];
  /** More top-level config keys; they replace generated ones of the same name (e.g. a wrong `rootfs`). */
  extraConfig?: Record<string, unknown>;
  /** Media types of the manifest: OCI (Docker 25+ save) or Docker schema 2. */
  mediaTypes?: 'oci' | 'docker';
}

export interface ImageOptions extends ConfigOptions {
  layers: LayerSpec[];
  /** How layer blobs are stored in OCI layouts and registries; classic archives always hold plain tars. */
  compression?: Compression;
}

export interface BuiltLayer {
  /** sha256 of the uncompressed tar. */
  diffId: string;
  tar: ByteSource;
  compression: Compression;
  /** sha256 of the blob as stored. */
  digest: string;
  blob: ByteSource;
}

export interface BuiltImage {
  /** The image ID: sha256 of the config bytes. */
  id: string;
  config: Buffer;
  configMediaType: string;
  diffIds: string[];
  layers: BuiltLayer[];
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const MEDIA_TYPES = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: { none: 'application/vnd.oci.image.layer.v1.tar', gzip: 'application/vnd.oci.image.layer.v1.tar+gzip' },
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: {
      none: 'application/vnd.docker.image.rootfs.diff.tar',
      gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    },
  },
} as const;

export async function buildImage(options: ImageOptions): Promise<BuiltImage> {
  const layers: BuiltLayer[] = [];
  for (const spec of options.layers) layers.push(await buildLayer(spec, options.compression ?? 'none'));
  return assembleImage(layers, options);
}

/** The image make-test-image.sh builds: busybox, then /etc/motd and /app/hello.sh. */
export function busyboxFixture(name = 'busybox:latest', options: Partial<ImageOptions> = {}): Promise<BuiltImage> {
  return buildImage({
    layers: [{ busybox: true }, appLayer(name)],
    labels: { 'org.example.fixture': 'true' },
    history: [
      { created: FIXED_CREATED, created_by: '/bin/sh -c #(nop) ADD file:busybox in / ' },
      { created: FIXED_CREATED, created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      { created: FIXED_CREATED, created_by: '/bin/sh -c #(nop) COPY dir:app in / ' },
    ],
    ...options,
  });
}

function appLayer(name: string): EntrySpec[] {
  return [
    { path: 'app', type: 'dir' },
    { path: 'app/hello.sh', type: 'file', mode: 0o755, content: '#!/bin/sh\necho "hello from $(hostname)"\n' },
    { path: 'etc', type: 'dir' },
    { path: 'etc/motd', type: 'file', content: `hello from the test image ${name}\n` },
  ];
}

export async function buildLayer(spec: LayerSpec, compression: Compression): Promise<BuiltLayer> {
  return layerFromTar(await tarBuffer(layerItems(spec)), compression);
}

export function layerFromTar(tar: Buffer, compression: Compression): BuiltLayer {
  const blob = compression === 'gzip' ? gzipSync(tar) : tar;
  return { diffId: sha256(tar), tar: fromBuffer(tar), compression, digest: sha256(blob), blob: fromBuffer(blob) };
}

function layerItems(spec: LayerSpec): TarItem[] {
  if (Array.isArray(spec)) return sortedItems(spec);
  if ('busybox' in spec) return sortedItems(busyboxEntries());
  return spec.entries.map(toTarItem);
}

function sortedItems(entries: EntrySpec[]): TarItem[] {
  return [...entries].sort((a, b) => compareTarNames(a.path, b.path)).map(toTarItem);
}

const TAR_TYPES = { file: 'file', dir: 'directory', symlink: 'symlink', hardlink: 'link' } as const;

function toTarItem(entry: EntrySpec): TarItem {
  const body = entry.content === undefined ? undefined : fromBuffer(Buffer.from(entry.content));
  const { mode, uid, gid, linkname, pax } = entry;
  return { name: entry.path, type: TAR_TYPES[entry.type], mode, uid, gid, linkname, pax, body };
}

/** Config and manifest for layers built elsewhere (e.g. streamed to disk for benchmarks). */
export function assembleImage(layers: BuiltLayer[], options: ConfigOptions): BuiltImage {
  const types = MEDIA_TYPES[options.mediaTypes ?? 'oci'];
  const diffIds = layers.map((layer) => layer.diffId);
  const config = Buffer.from(JSON.stringify(configJson(diffIds, options)));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: types.manifest,
      config: { mediaType: types.config, digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: types.layer[l.compression], digest: l.digest, size: l.blob.size })),
    }),
  );
  return {
    id: sha256(config),
    config,
    configMediaType: types.config,
    diffIds,
    layers,
    manifest,
    manifestDigest: sha256(manifest),
    manifestMediaType: types.manifest,
  };
}

function configJson(diffIds: string[], options: ConfigOptions): Record<string, unknown> {
  const created = options.created ?? FIXED_CREATED;
  return {
    architecture: options.architecture ?? 'amd64',
    os: options.os ?? 'linux',
    ...(options.variant ? { variant: options.variant } : {}),
    created,
    config: containerConfig(options),
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: options.history ?? defaultHistory(diffIds.length, created, options.cmd),
    ...options.extraConfig,
  };
}

function containerConfig(options: ConfigOptions): Record<string, unknown> {
  const cmd = options.cmd === undefined ? ['sh'] : options.cmd;
  return {
    Env: options.env ?? [DEFAULT_PATH],
    ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
    ...(cmd ? { Cmd: cmd } : {}),
    WorkingDir: options.workingDir ?? '/',
    ...(options.labels ? { Labels: options.labels } : {}),
    ...options.containerConfig,
  };
}

function defaultHistory(layerCount: number, created: string, cmd: string[] | null | undefined): HistoryEntry[] {
  const history: HistoryEntry[] = Array.from({ length: layerCount }, (_, i) => ({
    created,
    created_by: `/bin/sh -c #(nop) ADD file:layer${i} in / `,
  }));
  if (cmd !== null) {
    const created_by = `/bin/sh -c #(nop)  CMD ${JSON.stringify(cmd ?? ['sh'])}`;
    history.push({ created, created_by, empty_layer: true });
  }
  return history;
}
