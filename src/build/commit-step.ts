// Commits one build step as an image, as Docker's classic builder does: the parent link, the step's command in container_config, a history entry, and its layer if it made one.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import type { ContainerConfig, ImageConfig } from '../oci/types.ts';
import type { LayerRecord } from '../images/image-records.ts';
import type { Store } from '../store/store.ts';
import type { StageState } from './stage-state.ts';

export interface Step {
  /** What container_config.Cmd records, and (joined) the history's created_by: `/bin/sh -c #(nop)  CMD ["sh"]`. */
  command: string[];
  layer?: Readable;
  /** About how many bytes the layer holds (its upper dir's), so a big one is hashed off the main thread. */
  sizeHint?: number;
  /** The container the step ran in; config-only steps get an ID of their own, as Docker's do. */
  containerId?: string;
}

/** The config the cache compares and the commit records under container_config. */
export function stepContainerConfig(state: StageState, command: string[]): ContainerConfig {
  return dockerOrder({ ...state.runConfig, Cmd: command, Image: state.imageId ?? '' });
}

export async function commitStep(store: Store, state: StageState, step: Step): Promise<StageState> {
  const containerId = step.containerId ?? randomBytes(32).toString('hex');
  const created = new Date().toISOString();
  const parent = state.imageId;
  let image: ImageConfig | undefined;
  // loaded on the first commit: a build whose steps are all cached never needs the layer-writing code
  const { appendLayerImage } = await import('../images/commit.ts');
  const id = await appendLayerImage(store, {
    parent,
    layer: step.layer,
    sizeHint: step.sizeHint,
    what: 'build step layer',
    config: (layer) => (image = stepImage(state, { ...step, containerId, created }, layer)),
  });
  return { ...state, imageId: id, image: image!, runConfig: structuredClone(image!.config!) };
}

/**
 * A step a --cache-from image already made: recorded on the stage's image with that image's time and layer (stored
 * already), so later steps and builds find it as a child like any cached step.
 */
export async function recordRestoredStep(store: Store, state: StageState, step: { command: string[]; created: string; layer?: LayerRecord }): Promise<StageState> {
  const { imageLayerRecords } = await import('../images/image-records.ts');
  const { recordImageConfig } = await import('../images/commit.ts');
  const containerId = randomBytes(32).toString('hex');
  const image = stepImage(state, { command: step.command, containerId, created: step.created }, step.layer ? { diffId: step.layer.diffId, empty: false } : { diffId: '' as Digest, empty: true });
  const layers = [...(state.imageId ? imageLayerRecords(store, state.imageId) : []), ...(step.layer ? [step.layer] : [])];
  const id = await recordImageConfig(store, { config: image, parent: state.imageId, layers });
  return { ...state, imageId: id, image, runConfig: structuredClone(image.config!) };
}

function stepImage(state: StageState, step: Step & { containerId: string; created: string }, layer: { diffId: Digest; empty: boolean }): ImageConfig {
  const { image } = state;
  const parent = state.imageId ?? '';
  return {
    architecture: image.architecture,
    ...(state.maintainer ? { author: state.maintainer } : {}),
    ...(image.variant ? { variant: image.variant } : {}),
    config: dockerOrder({ ...state.runConfig, Hostname: '', Image: parent }),
    container: step.containerId,
    container_config: dockerOrder({ ...stepContainerConfig(state, step.command), Hostname: step.containerId.slice(0, 12) }),
    created: step.created,
    history: [...(image.history ?? []), { created: step.created, created_by: step.command.join(' '), ...(layer.empty ? { empty_layer: true } : {}) }],
    os: image.os,
    rootfs: { type: 'layers', diff_ids: [...image.rootfs.diff_ids, ...(layer.empty ? [] : [layer.diffId])] },
  };
}

/** moby's field order for a Config, with the fields it always writes; unset optional ones left out as it omits them. */
function dockerOrder(config: ContainerConfig): ContainerConfig {
  const optional = (key: string) => (config[key] === undefined || config[key] === null ? {} : { [key]: config[key] });
  return {
    Hostname: config.Hostname ?? '',
    Domainname: '',
    User: config.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(config.ExposedPorts && Object.keys(config.ExposedPorts).length ? { ExposedPorts: config.ExposedPorts } : {}),
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: config.Env ?? [],
    Cmd: config.Cmd ?? null,
    ...optional('Healthcheck'),
    ...optional('ArgsEscaped'),
    Image: config.Image ?? '',
    Volumes: config.Volumes && Object.keys(config.Volumes).length ? config.Volumes : null,
    WorkingDir: config.WorkingDir ?? '',
    Entrypoint: config.Entrypoint ?? null,
    OnBuild: config.OnBuild?.length ? config.OnBuild : null,
    Labels: config.Labels ?? null,
    ...optional('StopSignal'),
    ...(config.Shell?.length ? { Shell: config.Shell } : {}),
  };
}
