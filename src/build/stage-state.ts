// Where a stage stands between steps: its current image, the config later steps extend, and the ARGs in scope.
import type { Digest } from '../digest/digest.ts';
import type { ContainerConfig, ImageConfig } from '../oci/types.ts';
import { DEFAULT_PATH } from '../runtime/spec/defaults.ts';

export interface StageState {
  /** The image the last step made (or FROM named); none yet on `FROM scratch`. */
  imageId?: Digest;
  image: ImageConfig;
  /** The config the next commit records: the image's, changed by ENV, CMD, WORKDIR … */
  runConfig: ContainerConfig;
  /** ARGs declared in this stage, with their values (a build arg or the default) when they have one. */
  args: Map<string, string | undefined>;
  /** A CMD of this stage's own, which a later ENTRYPOINT keeps (one inherited from the base image it drops). */
  cmdSet?: boolean;
  /** This stage's MAINTAINER, the author of each image it commits after it (none is inherited from the base, as in moby). */
  maintainer?: string;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];

export function stateFromImage(id: Digest, image: ImageConfig): StageState {
  return { imageId: id, image, runConfig: withPath(structuredClone(image.config ?? {})), args: new Map() };
}

export function scratchState(platform: { os: string; architecture: string; variant?: string }): StageState {
  const image: ImageConfig = { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}), rootfs: { type: 'layers', diff_ids: [] }, history: [] };
  return { image, runConfig: withPath({}), args: new Map() };
}

/** moby gives every stage a PATH, so RUN finds its programs even on an image that set none. */
function withPath(config: ContainerConfig): ContainerConfig {
  const env = config.Env ?? [];
  return { ...config, Env: env.some((entry) => entry.startsWith('PATH=')) ? env : [DEFAULT_PATH, ...env] };
}

export function shellOf(state: StageState): string[] {
  return state.runConfig.Shell?.length ? state.runConfig.Shell : DEFAULT_SHELL;
}

/** What `$NAME` means in an instruction: ENV wins over ARG, as Docker documents; a name neither declares is told to `onUndefined`. */
export function lookupIn(state: StageState, onUndefined?: (name: string) => void): (name: string) => string | undefined {
  return (name) => {
    const value = envValue(state.runConfig.Env ?? [], name) ?? state.args.get(name);
    if (value === undefined && !state.args.has(name)) onUndefined?.(name);
    return value;
  };
}

export function envValue(env: string[], name: string): string | undefined {
  for (let i = env.length - 1; i >= 0; i--) if (env[i].startsWith(`${name}=`)) return env[i].slice(name.length + 1);
  return undefined;
}

/** ARGs with a value that no ENV overrides, sorted: RUN sees them in its environment, and its cache key starts `|N k=v …`. */
export function runArgs(state: StageState): string[] {
  const env = state.runConfig.Env ?? [];
  return [...state.args]
    .filter(([name, value]) => value !== undefined && envValue(env, name) === undefined)
    .map(([name, value]) => `${name}=${value}`)
    .sort();
}

/** Sets NAME=value in an env list, in place of an earlier NAME. */
export function setEnv(env: string[], name: string, value: string): string[] {
  const entry = `${name}=${value}`;
  const index = env.findIndex((existing) => existing.startsWith(`${name}=`));
  return index === -1 ? [...env, entry] : env.map((existing, i) => (i === index ? entry : existing));
}
