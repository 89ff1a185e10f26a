// `commit`: a new image from a container's changes (a layer tar) on top of its image, with the container's config merged under --change, as moby's daemon commits.
import { PassThrough, Readable } from 'node:stream';
import { sha256Of, type Digest } from '../digest/digest.ts';
import { scanLayer } from '../layers/layer-scanner.ts';
import { MediaType } from '../oci/media-types.ts';
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { withLease } from '../store/with-lease.ts';
import { applyChanges } from './changes.ts';
import { imageLayerRecords, insertImage, type LayerRecord, setTag } from './image-records.ts';
import { readConfig } from './inspect.ts';
import { tagName } from './names.ts';

/** A tar of no entries (1 KiB of zeros): Docker records no layer for it, only history. */
const EMPTY_LAYER = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export interface CommitOptions {
  baseImageId: Digest;
  containerId: string;
  /** The container's own config, in Docker's Config shape. */
  containerConfig: ContainerConfig;
  /** The container's changes as a layer tar, whiteouts in OCI form. */
  layer: Readable;
  author?: string;
  message?: string;
  changes: string[];
  tag?: string;
}

export async function commitImage(store: Store, options: CommitOptions): Promise<Digest> {
  const base = await readConfig(store, options.baseImageId);
  return appendLayerImage(store, {
    parent: options.baseImageId,
    layer: options.layer,
    what: 'committed layer',
    config: (layer) => commitConfig(base, options, layer),
    tag: options.tag,
  });
}

export interface AppendLayerOptions {
  /** The image the new one is made on; none for a first layer (`FROM scratch`). */
  parent?: Digest;
  /** The new layer as a tar; an empty one (or none) adds history only. */
  layer?: Readable;
  /** About how big the tar will be: a big layer is hashed on a worker thread. */
  sizeHint?: number;
  what: string;
  /** The new image's config, once the layer's diff ID is known. */
  config(layer: { diffId: Digest; empty: boolean }): ImageConfig;
  tag?: string;
}

/** Stores a layer and an image config that adds it to `parent`, recorded in one transaction with the parent link (and the tag). */
export async function appendLayerImage(store: Store, options: AppendLayerOptions): Promise<Digest> {
  const name = options.tag ? tagName(options.tag) : undefined;
  return withLease(store, async (lease) => {
    const tap = new PassThrough();
    const scanned = scanLayer(tap, { what: options.what });
    scanned.catch(() => undefined);
    const blob = await store.content.ingest(options.layer ?? Readable.from([Buffer.alloc(1024)]), { tap, lease, what: options.what, sizeHint: options.sizeHint });
    const scan = await scanned;
    const empty = blob.digest === EMPTY_LAYER;
    const config = options.config({ diffId: blob.digest, empty });
    const configBytes = Buffer.from(JSON.stringify(config));
    const id = sha256Of(configBytes);
    await store.content.ingestBytes(configBytes, { expected: id, lease, what: 'image config' });
    const layers = options.parent ? imageLayerRecords(store, options.parent) : [];
    if (!empty) layers.push({ diffId: blob.digest, size: scan.size, tarSize: blob.size, blob: { ...blob, mediaType: MediaType.ociLayer } });
    store.db.transaction(() => {
      insertImage(store, { id, created: config.created, layers, parent: options.parent });
      if (name) setTag(store, name, id, { touch: true });
      lease.releaseWithin();
    });
    return id;
  });
}

/** Records an image whose layers are all stored already (a step another image made): its config blob, then its row with the parent link, in one transaction. */
export async function recordImageConfig(store: Store, options: { config: ImageConfig; parent?: Digest; layers: LayerRecord[] }): Promise<Digest> {
  return withLease(store, async (lease) => {
    const configBytes = Buffer.from(JSON.stringify(options.config));
    const id = sha256Of(configBytes);
    await store.content.ingestBytes(configBytes, { expected: id, lease, what: 'image config' });
    store.db.transaction(() => {
      insertImage(store, { id, created: options.config.created, layers: options.layers, parent: options.parent });
      lease.releaseWithin();
    });
    return id;
  });
}

/** Field order as moby writes an image config; an empty layer is only a history entry, as in Docker. */
function commitConfig(base: ImageConfig, options: CommitOptions, layer: { diffId: Digest; empty: boolean }): ImageConfig {
  const created = new Date().toISOString();
  const history: HistoryEntry = {
    created,
    ...(options.author ? { author: options.author } : {}),
    created_by: (options.containerConfig.Cmd ?? []).join(' '),
    ...(options.message ? { comment: options.message } : {}),
    ...(layer.empty ? { empty_layer: true } : {}),
  };
  return {
    ...(options.message ? { comment: options.message } : {}),
    created,
    container: options.containerId,
    container_config: options.containerConfig,
    ...(options.author ? { author: options.author } : {}),
    config: mergeConfig(applyChanges({}, options.changes), options.containerConfig),
    architecture: base.architecture,
    ...(base.variant ? { variant: base.variant } : {}),
    os: base.os,
    rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, ...(layer.empty ? [] : [layer.diffId])] },
    history: [...(base.history ?? []), history],
  };
}

/**
 * moby's daemon/commit.go merge: what --change left unset comes from the container; env, labels, ports and volumes add
 * up. The result has every key of Docker's Config, in its order, as an image committed by Docker has.
 */
export function mergeConfig(user: ContainerConfig, container: ContainerConfig): ContainerConfig {
  const userKeys = new Set((user.Env ?? []).map((entry) => entry.split('=')[0]));
  const ports = { ...(container.ExposedPorts ?? {}), ...(user.ExposedPorts ?? {}) };
  const volumes = { ...(container.Volumes ?? {}), ...(user.Volumes ?? {}) };
  const keepCommand = !user.Entrypoint?.length;
  return {
    Hostname: '',
    Domainname: '',
    User: user.User || container.User || '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(Object.keys(ports).length ? { ExposedPorts: ports } : {}),
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: [...(user.Env ?? []), ...(container.Env ?? []).filter((entry) => !userKeys.has(entry.split('=')[0]))],
    Cmd: keepCommand && !user.Cmd?.length ? (container.Cmd ?? null) : (user.Cmd ?? null),
    ...(user.Healthcheck ? { Healthcheck: user.Healthcheck } : {}),
    Image: '',
    Volumes: Object.keys(volumes).length ? volumes : null,
    WorkingDir: user.WorkingDir || container.WorkingDir || '',
    Entrypoint: keepCommand && (user.Entrypoint === undefined || user.Entrypoint === null) ? (container.Entrypoint ?? null) : (user.Entrypoint ?? null),
    OnBuild: user.OnBuild ?? null,
    Labels: { ...(container.Labels ?? {}), ...(user.Labels ?? {}) },
    ...(user.StopSignal || container.StopSignal ? { StopSignal: user.StopSignal || container.StopSignal } : {}),
    ...(user.Shell ? { Shell: user.Shell } : {}),
  };
}
