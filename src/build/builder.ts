// `build`: a Dockerfile run stage by stage on the classic builder's model (each step an image on its parent, reused when its config matches), with BuildKit's skipping of stages the target does not need.
import type { Digest } from '../digest/digest.ts';
import { InvalidArgumentError, NotFoundError, WharfError } from '../errors.ts';
import { setTag } from '../images/image-records.ts';
import { readConfig } from '../images/inspect.ts';
import { tagName } from '../images/names.ts';
import { resolveImage } from '../images/resolve.ts';
import { formatPlatform, hostPlatform, parsePlatform } from '../oci/platform.ts';
import type { Store } from '../store/store.ts';
import { findCachedStep } from './build-cache.ts';
import { type CacheSource, findInCacheSources, loadCacheSources } from './cache-from.ts';
import { commitStep } from './commit-step.ts';
import type { BuildContext } from './context/build-context.ts';
import { expandWord } from './dockerfile/expand.ts';
import { flagValue, flagValues } from './dockerfile/flags.ts';
import type { Dockerfile, Instruction } from './dockerfile/instructions.ts';
import { parseDockerfile } from './dockerfile/parse.ts';
import type { BuildProgress, Vertex } from './progress.ts';
import { findStage, type Stage, splitStages, stagesFor } from './stages.ts';
import { type StageState, lookupIn, scratchState, stateFromImage } from './stage-state.ts';
import { applyConfigInstruction, type ConfigContext } from './steps/config-steps.ts';
import { copySources, imageOf } from './steps/copy-sources.ts';
import { prepareRunMounts } from './steps/run-mounts.ts';
import { type CopyInstruction, planCopy } from './steps/copy-step.ts';
import { runCommand, type RunInstruction } from './steps/run-command.ts';

export interface BuildOptions {
  context: BuildContext;
  tags: string[];
  buildArgs: Map<string, string>;
  target?: string;
  noCache: boolean;
  /** `--cache-from`: images whose history may hold this build's steps (see cache-from.ts). */
  cacheFrom: string[];
  /** Always look for a newer base image in its registry. */
  pull: boolean;
  labels: Record<string, string>;
  network: string;
  /** `--secret id=…`: values RUN --mount=type=secret exposes. */
  secrets: Map<string, Buffer>;
  platform?: string;
  progress: BuildProgress;
  /** Pulls a base image into the store (the CLI's pull, its progress on stderr). */
  pullImage(name: string): Promise<void>;
  warn(text: string): void;
}

/** Build args Docker accepts without an ARG declaring them. */
const PREDEFINED_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

export async function buildImage(store: Store, options: BuildOptions): Promise<Digest> {
  if (options.platform && formatPlatform(parsePlatform(options.platform)) !== formatPlatform(hostPlatform())) {
    throw new InvalidArgumentError(`wharf builds for this host's platform only (${formatPlatform(hostPlatform())}), not ${options.platform}`);
  }
  const definition = options.progress.vertex(`[internal] load build definition from ${options.context.dockerfile.name}`);
  let dockerfile: Dockerfile;
  try {
    dockerfile = parseDockerfile(options.context.dockerfile.text, options.context.dockerfile.name);
  } catch (error) {
    definition.error(error instanceof Error ? error.message : String(error));
    throw error;
  }
  definition.done();
  const builder = new StageBuilder(store, options, dockerfile);
  const id = await builder.build();
  const unused = [...options.buildArgs.keys()].filter((name) => !builder.consumed.has(name) && !PREDEFINED_ARGS.includes(name));
  if (unused.length) options.warn(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
  const exporting = options.progress.vertex('exporting to image');
  exporting.note(`writing image ${id} done`);
  store.db.transaction(() => {
    for (const tag of options.tags) {
      const name = tagName(tag);
      setTag(store, name, id, { touch: true });
      exporting.note(`naming to ${name} done`);
    }
  });
  exporting.done();
  if (builder.warnings.size) {
    const count = builder.warnings.size;
    options.warn(` ${count} warning${count === 1 ? '' : 's'} found:\n${[...builder.warnings].map((warning) => ` - ${warning}\n`).join('')}`);
  }
  return id;
}

class StageBuilder {
  readonly consumed = new Set<string>();
  /** BuildKit's build checks that fired, in its words, each once. */
  readonly warnings = new Set<string>();
  /** The line of the instruction being dispatched, for the warnings. */
  private line = 0;
  private readonly results = new Map<number, StageState>();
  private cacheSources: CacheSource[] = [];
  private readonly config: ConfigContext;
  private readonly store: Store;
  private readonly options: BuildOptions;
  private readonly dockerfile: Dockerfile;

  constructor(store: Store, options: BuildOptions, dockerfile: Dockerfile) {
    this.store = store;
    this.options = options;
    this.dockerfile = dockerfile;
    this.config = {
      escape: dockerfile.escape,
      buildArgs: options.buildArgs,
      metaArgs: new Map(),
      consumed: this.consumed,
      onUndefined: (name) => this.warnings.add(`UndefinedVar: Usage of undefined variable '$${name}' (line ${this.line})`),
    };
  }

  async build(): Promise<Digest> {
    this.cacheSources = await loadCacheSources(this.store, this.options.cacheFrom, this.options.warn);
    const plan = splitStages(this.dockerfile);
    for (const meta of plan.metaArgs) {
      for (const arg of meta.args) {
        this.consumed.add(arg.name);
        const fallback = arg.defaultValue === undefined ? undefined : this.expandMeta(arg.defaultValue);
        this.config.metaArgs.set(arg.name, this.options.buildArgs.get(arg.name) ?? fallback);
      }
    }
    const stages = stagesFor(plan, this.options.target, (raw) => this.expandMeta(raw));
    const last = stages.at(-1)!;
    if (Object.keys(this.options.labels).length) last.instructions.push(labelInstruction(this.options.labels, last));
    for (const stage of stages) this.results.set(stage.index, await this.buildStage(plan.stages, stage));
    const final = this.results.get(last.index)!;
    // a target that is only a FROM (or scratch with nothing in it) still has to be an image
    return final.imageId ?? (await commitStep(this.store, final, { command: ['/bin/sh', '-c', '#(nop) ', 'FROM scratch'] })).imageId!;
  }

  private async buildStage(all: Stage[], stage: Stage): Promise<StageState> {
    const count = stage.instructions.length + 1;
    const label = (position: number) => `[${stage.name ? `${stage.name} ` : ''}${position}/${count}]`;
    const reference = expandWord(stage.from.image, (name) => {
      if (!this.config.metaArgs.has(name)) this.warnings.add(`UndefinedArgInFrom: FROM argument '${name}' is not declared (line ${stage.from.line})`);
      return this.config.metaArgs.get(name);
    }, this.dockerfile.escape);
    const vertex = this.options.progress.vertex(`${label(1)} FROM ${reference}`);
    let state = await this.baseState(all, stage, reference);
    vertex.done();
    state = await this.runTriggers(all, stage, state);
    for (const [index, instruction] of stage.instructions.entries()) {
      const step = this.options.progress.vertex(`${label(index + 2)} ${instruction.original}`);
      try {
        state = await this.dispatch(all, stage, state, instruction, step);
      } catch (error) {
        step.error(error instanceof Error ? error.message : String(error));
        throw error;
      }
    }
    return state;
  }

  /** The base image's ONBUILD triggers run first, each as the instruction it holds; the new image keeps none of them, as in Docker. */
  private async runTriggers(all: Stage[], stage: Stage, base: StageState): Promise<StageState> {
    const triggers = base.runConfig.OnBuild ?? [];
    let state: StageState = { ...base, runConfig: { ...base.runConfig, OnBuild: null } };
    for (const trigger of triggers) {
      for (const instruction of parseDockerfile(trigger, `${stage.from.image} ONBUILD`).instructions) {
        const vertex = this.options.progress.vertex(`[${stage.name ? `${stage.name} ` : ''}1/${stage.instructions.length + 1}] ONBUILD ${instruction.original}`);
        state = await this.dispatch(all, stage, state, instruction, vertex);
      }
    }
    return state;
  }

  private async baseState(all: Stage[], stage: Stage, reference: string): Promise<StageState> {
    const platform = flagValue(stage.from, 'platform');
    if (platform && formatPlatform(parsePlatform(this.expandMeta(platform))) !== formatPlatform(hostPlatform())) {
      throw new InvalidArgumentError(`Dockerfile:${stage.from.line}: FROM --platform=${platform}: wharf builds for this host's platform only (${formatPlatform(hostPlatform())})`);
    }
    const earlier = findStage(all, reference, stage.index);
    if (earlier) return { ...this.results.get(earlier.index)!, args: new Map(), cmdSet: false, maintainer: undefined };
    if (reference === 'scratch') return scratchState(hostPlatform());
    const id = await this.baseImage(reference);
    return stateFromImage(id, await readConfig(this.store, id));
  }

  private async baseImage(reference: string): Promise<Digest> {
    if (!this.options.pull) {
      try {
        return resolveImage(this.store, reference).id;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    await this.options.pullImage(reference);
    return resolveImage(this.store, reference).id;
  }

  private async dispatch(all: Stage[], stage: Stage, state: StageState, instruction: Instruction, vertex: Vertex): Promise<StageState> {
    this.line = instruction.line;
    switch (instruction.kind) {
      case 'FROM':
        throw new WharfError(`Dockerfile:${instruction.line}: unexpected FROM`);
      case 'RUN':
        return this.runInstruction(all, stage, state, instruction, vertex);
      case 'COPY':
      case 'ADD':
        return this.copyInstruction(all, stage, state, instruction, vertex);
      case 'WORKDIR': {
        const change = applyConfigInstruction(state, instruction, this.config);
        return this.cachedOr(state, change.command, vertex, async () => (await import('./steps/workdir-step.ts')).workdirStep(this.store, state, change), change.state);
      }
      default: {
        const change = applyConfigInstruction(state, instruction, this.config);
        return this.cachedOr(state, change.command, vertex, () => commitStep(this.store, change.state, { command: change.command }), change.state);
      }
    }
  }

  /** RUN: its mounts prepared first, since a bind's content is part of the step's cache key. */
  private async runInstruction(all: Stage[], stage: Stage, state: StageState, instruction: RunInstruction, vertex: Vertex): Promise<StageState> {
    const mounts = await prepareRunMounts(flagValues(instruction, 'mount'), {
      store: this.store,
      context: this.options.context,
      secrets: this.options.secrets,
      openRoot: async (reference) => {
        const imageId = imageOf(this.store, { all, stage, results: this.results }, this.expandInStage(state, reference));
        const workspace = await (await import('./workspace.ts')).openWorkspace(this.store, imageId);
        return { root: workspace.rootfs, imageId, close: () => workspace.close() };
      },
    });
    try {
      const network = flagValue(instruction, 'network');
      const context = { network: network === undefined || network === 'default' ? this.options.network : network, mounts, output: (chunk: Buffer) => vertex.output(chunk) };
      return await this.cachedOr(state, runCommand(state, instruction, mounts.keys), vertex, async () => (await import('./steps/run-step.ts')).runStep(this.store, state, instruction, context));
    } finally {
      await mounts.close();
    }
  }

  /** COPY and ADD: the sources resolved (and hashed into the key) before the cache is asked. */
  private async copyInstruction(all: Stage[], stage: Stage, state: StageState, instruction: CopyInstruction, vertex: Vertex): Promise<StageState> {
    const sources = await copySources(this.store, {
      all,
      stage,
      results: this.results,
      context: this.options.context,
      instruction,
      expand: (raw) => expandWord(raw, lookupIn(state, this.config.onUndefined), this.dockerfile.escape),
      expandFrom: (raw) => this.expandInStage(state, raw),
      lookup: lookupIn(state),
    });
    try {
      const plan = await planCopy(this.store, state, instruction, sources, { escape: this.dockerfile.escape, onUndefined: this.config.onUndefined });
      return await this.cachedOr(state, plan.command, vertex, plan.execute);
    } finally {
      await sources.close();
    }
  }

  /** A flag's value (`--from`) with the stage's ARGs and the global ones, as BuildKit expands stage references. */
  private expandInStage(state: StageState, raw: string): string {
    return expandWord(raw, (name) => state.args.get(name) ?? this.config.metaArgs.get(name), this.dockerfile.escape);
  }

  /**
   * The cached image of this step when there is one (its config carried on), else the step run. A config-only step's
   * cache is looked up with the changed config it will record, as moby probes with the step's new run config.
   */
  private async cachedOr(state: StageState, command: string[], vertex: Vertex, execute: () => Promise<StageState>, probeState = state): Promise<StageState> {
    if (!this.options.noCache) {
      const hit = (await findCachedStep(this.store, { ...probeState, imageId: state.imageId }, command)) ?? (await findInCacheSources(this.store, this.cacheSources, state, probeState, command));
      if (hit) {
        vertex.cached();
        return { ...probeState, imageId: hit.id, image: hit.image, runConfig: structuredClone(hit.image.config ?? {}) };
      }
    }
    const next = await execute();
    vertex.done();
    return next;
  }

  private expandMeta(raw: string): string {
    return expandWord(raw, (name) => this.config.metaArgs.get(name), this.dockerfile.escape);
  }
}

/** `--label k=v`: the classic builder appends a LABEL step to the target stage. */
function labelInstruction(labels: Record<string, string>, stage: Stage): Instruction {
  const pairs = Object.entries(labels).map(([key, value]) => ({ key: JSON.stringify(key), value: JSON.stringify(value) }));
  const line = stage.instructions.at(-1)?.endLine ?? stage.from.endLine;
  return { kind: 'LABEL', pairs, line, endLine: line, original: `LABEL ${Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(' ')}`, flags: [] };
}
