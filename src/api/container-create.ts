// POST /containers/create: Docker's Config and HostConfig (as the docker CLI and SDKs send them) as the core's create options.
import { ApiError } from './api-errors.ts';
import type { CreateOptions } from '../runtime/containers/create.ts';
import type { Healthcheck } from '../runtime/containers/healthcheck.ts';

interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** The request body: Docker's container.Config with its HostConfig inside. */
export interface CreateBody {
  Image?: string;
  Cmd?: string[] | null;
  Entrypoint?: string[] | string | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, unknown> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Healthcheck?: Healthcheck | null;
  /**
   * The endpoint on HostConfig.NetworkMode's network (its Aliases are kept: compose names a service's container so), and
   * since API 1.44 one per other network the container is on (`docker run --network a --network b`).
   */
  NetworkingConfig?: { EndpointsConfig?: Record<string, { Aliases?: string[] | null } | null> | null } | null;
  HostConfig?: {
    Binds?: string[] | null;
    AutoRemove?: boolean;
    NetworkMode?: string;
    PortBindings?: Record<string, PortBinding[] | null> | null;
    PublishAllPorts?: boolean;
    Memory?: number;
    NanoCpus?: number;
    PidsLimit?: number | null;
    Privileged?: boolean;
    ReadonlyRootfs?: boolean;
    Init?: boolean | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    Tmpfs?: Record<string, string> | null;
    Runtime?: string;
    SecurityOpt?: string[] | null;
    ConsoleSize?: [number, number] | null;
  };
}

export function createOptionsOf(body: CreateBody, name: string | undefined): CreateOptions {
  if (!body.Image) throw new ApiError(400, 'No image was specified');
  const host = body.HostConfig ?? {};
  const network = host.NetworkMode && host.NetworkMode !== 'default' ? host.NetworkMode : undefined;
  const endpoints = body.NetworkingConfig?.EndpointsConfig ?? {};
  const primary = network ?? 'bridge';
  const aliases = endpoints[primary]?.Aliases ?? [];
  const extra = Object.entries(endpoints).filter(([name]) => name !== primary && !(primary === 'bridge' && name === 'default'));
  const extraNetworks = Object.fromEntries(extra.map(([name, endpoint]) => [name, endpoint?.Aliases?.length ? { aliases: endpoint.Aliases } : {}]));
  return {
    image: body.Image,
    command: body.Cmd ?? [],
    name,
    env: body.Env ?? [],
    envFiles: [],
    workdir: body.WorkingDir || undefined,
    user: body.User || undefined,
    entrypoint: entrypointOf(body.Entrypoint),
    hostname: body.Hostname || undefined,
    tty: body.Tty === true,
    consoleSize: host.ConsoleSize ?? undefined,
    interactive: body.OpenStdin === true,
    // `docker run` without -d attaches, and with -i its stdin is closed once that client's ends (StdinOnce)
    attached: body.AttachStdin === true || body.AttachStdout === true || body.AttachStderr === true,
    restart: restartOf(host.RestartPolicy),
    autoRemove: host.AutoRemove === true,
    publish: publishFlags(host.PortBindings ?? {}),
    publishAll: host.PublishAllPorts === true,
    expose: Object.keys(body.ExposedPorts ?? {}),
    volumes: host.Binds ?? [],
    mounts: [],
    tmpfs: Object.entries(host.Tmpfs ?? {}).map(([path, options]) => (options ? `${path}:${options}` : path)),
    network,
    ...(aliases.length > 0 ? { aliases } : {}),
    ...(extra.length > 0 ? { extraNetworks } : {}),
    memory: host.Memory ? String(host.Memory) : undefined,
    cpus: host.NanoCpus ? String(host.NanoCpus / 1e9) : undefined,
    pidsLimit: host.PidsLimit ? String(host.PidsLimit) : undefined,
    readOnly: host.ReadonlyRootfs === true,
    privileged: host.Privileged === true,
    init: host.Init === true,
    labels: Object.entries(body.Labels ?? {}).map(([key, value]) => `${key}=${value}`),
    runtime: host.Runtime || undefined,
    logOpts: [],
    securityOpt: host.SecurityOpt ?? undefined,
    stopSignal: body.StopSignal || undefined,
    stopTimeout: body.StopTimeout === undefined || body.StopTimeout === null ? undefined : String(body.StopTimeout),
    healthcheck: body.Healthcheck ?? undefined,
  };
}

/** A string is one program (the docker CLI's --entrypoint); `""` or `[""]` clears the image's, as dockerd takes them. */
function entrypointOf(entrypoint: CreateBody['Entrypoint']): string[] | undefined {
  if (entrypoint === undefined || entrypoint === null) return undefined;
  const parts = typeof entrypoint === 'string' ? [entrypoint] : entrypoint;
  return parts.length === 1 && parts[0] === '' ? [] : parts;
}

function restartOf(policy: { Name?: string; MaximumRetryCount?: number } | undefined): string | undefined {
  if (!policy?.Name) return undefined;
  return policy.Name === 'on-failure' && policy.MaximumRetryCount ? `on-failure:${policy.MaximumRetryCount}` : policy.Name;
}

/** `{"80/tcp": [{"HostIp": "", "HostPort": "8000"}]}` as `-p` values (`8000:80/tcp`). */
function publishFlags(bindings: Record<string, PortBinding[] | null>): string[] {
  return Object.entries(bindings).flatMap(([port, hosts]) => (hosts ?? [{}]).map((host) => {
    const hostPart = host.HostIp ? `${host.HostIp}:${host.HostPort ?? ''}:` : host.HostPort ? `${host.HostPort}:` : '';
    return `${hostPart}${port}`;
  }));
}
