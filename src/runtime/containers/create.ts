// `create`: a container record and directory from an image and the user's flags, with Docker's rules for command, entrypoint, env and limits.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Digest } from '../../digest/digest.ts';
import { InvalidArgumentError, WharfError } from '../../errors.ts';
import { readConfig } from '../../images/inspect.ts';
import { resolveImage } from '../../images/resolve.ts';
import type { ImageConfig } from '../../oci/types.ts';
import { randomHex } from '../../store/random-id.ts';
import type { Store } from '../../store/store.ts';
import { checkSecurityOpts } from '../spec/security-opts.ts';
import type { ContainerSettings, HostConfig } from './container-config.ts';
import { containerDir, insertContainer } from './container-store.ts';
import { type Healthcheck, mergeHealthcheck } from './healthcheck.ts';
import { parseCpus, parseMemory, parsePidsLimit } from './limits.ts';
import { parseRestartPolicy } from './restart-policy.ts';
import { randomName, validName } from './names.ts';
import { checkAliases, checkExclusive } from './network-connect.ts';
import { prepareContainerRootfs } from './rootfs.ts';

export interface CreateOptions {
  image: string;
  command: string[];
  name?: string;
  env: string[];
  envFiles: string[];
  workdir?: string;
  user?: string;
  /** Replaces the image's entrypoint; empty (`--entrypoint ""`) clears it. */
  entrypoint?: string[];
  hostname?: string;
  tty: boolean;
  interactive: boolean;
  /** `run` without -d: stdin closes with the client's. */
  attached: boolean;
  restart?: string;
  autoRemove: boolean;
  publish: string[];
  publishAll: boolean;
  expose: string[];
  volumes: string[];
  mounts: string[];
  tmpfs: string[];
  network?: string;
  /** Names on the network besides its own (`--network-alias`, the Engine API's EndpointsConfig Aliases). */
  aliases?: string[];
  /** Bridge networks besides `network`, with the container's aliases on each (the Engine API's other EndpointsConfig entries). */
  extraNetworks?: Record<string, { aliases?: string[] }>;
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  readOnly: boolean;
  privileged: boolean;
  init: boolean;
  labels: string[];
  runtime?: string;
  logOpts: string[];
  /** As the client sends them: a seccomp profile file already read (see readSecurityOpts). */
  securityOpt?: string[];
  stopSignal?: string;
  stopTimeout?: string;
  /** A TTY's first [rows, columns]. */
  consoleSize?: [number, number];
  /** The user's fields over the image's healthcheck; Test `["NONE"]` turns it off. */
  healthcheck?: Healthcheck;
}

export interface CreatedContainer {
  id: string;
  name: string;
}

export async function createContainer(store: Store, options: CreateOptions, environment: NodeJS.ProcessEnv): Promise<CreatedContainer> {
  const hostConfig = hostConfigOf(options);
  checkNetworks(hostConfig.NetworkMode, options);
  const { id: imageId } = resolveImage(store, options.image);
  const image = await readConfig(store, imageId);
  const id = randomHex(32);
  const settings = settingsOf(options, image, hostConfig, { id, environment });
  const name = insertWithName(store, { id, imageId, options, settings });
  const dir = containerDir(store, id);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o710 });
    await prepareContainerRootfs(store, imageId, dir);
  } catch (error) {
    store.db.transaction(() => store.db.run('DELETE FROM containers WHERE id = ?', id));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { id, name };
}

function insertWithName(store: Store, fields: { id: string; imageId: Digest; options: CreateOptions; settings: ContainerSettings }): string {
  const record = { id: fields.id, imageId: fields.imageId, imageName: fields.options.image, created: new Date().toISOString(), settings: fields.settings };
  if (fields.options.name !== undefined) {
    const name = validName(fields.options.name);
    insertContainer(store, { ...record, name });
    return name;
  }
  for (let retry = 0; ; retry++) {
    const name = randomName(retry);
    try {
      insertContainer(store, { ...record, name });
      return name;
    } catch (error) {
      if (retry > 5) throw error;
    }
  }
}

function settingsOf(options: CreateOptions, image: ImageConfig, hostConfig: HostConfig, context: { id: string; environment: NodeJS.ProcessEnv }): ContainerSettings {
  const imageConfig = image.config ?? {};
  const entrypoint = options.entrypoint === undefined ? (imageConfig.Entrypoint ?? null) : options.entrypoint.length === 0 ? null : options.entrypoint;
  // a new entrypoint drops the image's command, as in Docker
  const cmd = options.command.length > 0 ? options.command : options.entrypoint !== undefined ? null : (imageConfig.Cmd ?? null);
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw new WharfError('No command specified', { exitCode: 125 });
  const env = mergeEnv(imageConfig.Env ?? [], [...options.envFiles.flatMap(readEnvFile), ...options.env], context.environment);
  const healthcheck = mergeHealthcheck(options.healthcheck, imageConfig.Healthcheck as Healthcheck | undefined);
  const exposed = { ...(imageConfig.ExposedPorts ?? {}), ...Object.fromEntries(options.expose.map((port) => [port.includes('/') ? port : `${port}/tcp`, {}])) };
  return {
    config: {
      Hostname: options.hostname ?? context.id.slice(0, 12),
      Domainname: '',
      User: options.user ?? imageConfig.User ?? '',
      AttachStdin: options.attached && options.interactive,
      AttachStdout: options.attached,
      AttachStderr: options.attached,
      ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
      Tty: options.tty,
      OpenStdin: options.interactive,
      StdinOnce: options.attached && options.interactive,
      Env: env,
      Cmd: cmd,
      Image: options.image,
      Volumes: imageConfig.Volumes ?? null,
      WorkingDir: options.workdir ?? imageConfig.WorkingDir ?? '',
      Entrypoint: entrypoint,
      OnBuild: null,
      Labels: { ...(imageConfig.Labels ?? {}), ...labelsOf(options.labels) },
      ...(options.stopSignal ?? imageConfig.StopSignal ? { StopSignal: options.stopSignal ?? imageConfig.StopSignal } : {}),
      ...(options.stopTimeout !== undefined ? { StopTimeout: Number(options.stopTimeout) } : {}),
      ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    },
    hostConfig,
    path: argv[0],
    args: argv.slice(1),
    ...(options.aliases?.length ? { aliases: [...new Set(options.aliases)] } : {}),
    ...(Object.keys(options.extraNetworks ?? {}).length ? { extraNetworks: options.extraNetworks } : {}),
  };
}

/** Aliases on user-defined networks only; host and none on their own. */
function checkNetworks(primary: string, options: Pick<CreateOptions, 'aliases' | 'extraNetworks'>): void {
  checkAliases(primary, options.aliases ?? []);
  for (const [network, endpoint] of Object.entries(options.extraNetworks ?? {})) {
    checkExclusive(primary === 'default' ? 'bridge' : primary, network);
    checkAliases(network, endpoint.aliases ?? []);
  }
}

function hostConfigOf(options: CreateOptions): HostConfig {
  const restart = parseRestartPolicy(options.restart);
  if (options.autoRemove && restart.Name !== 'no' && restart.Name !== '') throw new InvalidArgumentError('Conflicting options: --restart and --rm', { exitCode: 125, fromDaemon: false });
  if (options.workdir !== undefined && !options.workdir.startsWith('/')) throw new InvalidArgumentError(`the working directory '${options.workdir}' is invalid, it needs to be an absolute path`, { exitCode: 125 });
  return {
    Binds: options.volumes.length ? options.volumes : null,
    MountFlags: options.mounts,
    TmpfsFlags: options.tmpfs,
    NetworkMode: options.network ?? 'bridge',
    PublishFlags: options.publish,
    PublishAllPorts: options.publishAll,
    RestartPolicy: restart,
    AutoRemove: options.autoRemove,
    Privileged: options.privileged,
    ReadonlyRootfs: options.readOnly,
    Memory: parseMemory(options.memory),
    NanoCpus: parseCpus(options.cpus),
    PidsLimit: parsePidsLimit(options.pidsLimit),
    Init: options.init,
    Runtime: options.runtime ?? 'runc',
    SecurityOpt: checkSecurityOpts(options.securityOpt ?? []),
    LogConfig: { Type: 'json-file', Config: Object.fromEntries(options.logOpts.map((opt) => [opt.split('=')[0], opt.slice(opt.indexOf('=') + 1)])) },
    ConsoleSize: options.consoleSize ?? [0, 0],
  };
}

/** The image's variables, overridden in place by the user's; `-e NAME` takes NAME from wharf's own environment, or is dropped. */
function mergeEnv(imageEnv: string[], userEnv: string[], environment: NodeJS.ProcessEnv): string[] {
  const merged = new Map<string, string>();
  for (const entry of imageEnv) merged.set(entry.split('=')[0], entry);
  for (const entry of userEnv) {
    const key = entry.split('=')[0];
    if (entry.includes('=')) merged.set(key, entry);
    else if (environment[key] !== undefined) merged.set(key, `${key}=${environment[key]}`);
  }
  return [...merged.values()];
}

function readEnvFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InvalidArgumentError(`open ${file}: no such file or directory`, { exitCode: 125, fromDaemon: false });
  }
  return text.split(/\r?\n/).map((line) => line.trimStart()).filter((line) => line !== '' && !line.startsWith('#'));
}

function labelsOf(labels: string[]): Record<string, string> {
  return Object.fromEntries(labels.map((label) => (label.includes('=') ? [label.slice(0, label.indexOf('=')), label.slice(label.indexOf('=') + 1)] : [label, ''])));
}
