// `inspect` of a container: the JSON shape of Docker's Engine API (ContainerJSON).
import { join } from 'node:path';
import { goJsonTime, rfc3339Nano } from '../../go/time.ts';
import type { Store } from '../../store/store.ts';
import { logFileName } from '../monitor/monitor-plan.ts';
import { containerDir, type ContainerRecord, resolveContainer } from './container-store.ts';
import { stateString } from './container-texts.ts';
import { NotFoundError } from '../../errors.ts';
import { endpointIdOf } from '../network/endpoint-id.ts';
import { networksOf } from './container-networks.ts';

export function findContainer(store: Store, reference: string): ContainerRecord | undefined {
  try {
    return resolveContainer(store, reference);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export function inspectContainer(store: Store, record: ContainerRecord): Record<string, unknown> {
  const dir = containerDir(store, record.id);
  const { config, hostConfig } = record.settings;
  const running = record.state === 'running' || record.state === 'restarting';
  return {
    Id: record.id,
    Created: rfc3339Nano(record.created),
    Path: record.settings.path,
    Args: record.settings.args,
    State: {
      Status: stateString(record),
      Running: running,
      Paused: record.paused,
      Restarting: record.state === 'restarting',
      OOMKilled: record.oomKilled,
      Dead: record.state === 'dead',
      Pid: running ? (record.pid ?? 0) : 0,
      ExitCode: record.exitCode ?? 0,
      Error: record.error ?? '',
      StartedAt: goJsonTime(record.startedAt),
      FinishedAt: goJsonTime(running ? null : record.finishedAt),
      ...(record.health ? { Health: record.health } : {}),
    },
    Image: record.imageId,
    ResolvConfPath: join(dir, 'resolv.conf'),
    HostnamePath: join(dir, 'hostname'),
    HostsPath: join(dir, 'hosts'),
    LogPath: join(dir, logFileName(record.id)),
    Name: `/${record.name}`,
    RestartCount: record.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {
      Binds: hostConfig.Binds,
      ContainerIDFile: '',
      LogConfig: hostConfig.LogConfig,
      NetworkMode: hostConfig.NetworkMode,
      PortBindings: portBindings(record),
      RestartPolicy: hostConfig.RestartPolicy,
      AutoRemove: hostConfig.AutoRemove,
      Privileged: hostConfig.Privileged,
      PublishAllPorts: hostConfig.PublishAllPorts,
      ReadonlyRootfs: hostConfig.ReadonlyRootfs,
      Tmpfs: hostConfig.TmpfsFlags.length ? Object.fromEntries(hostConfig.TmpfsFlags.map((flag) => [flag.split(':')[0], flag.split(':')[1] ?? ''])) : null,
      Memory: hostConfig.Memory,
      NanoCpus: hostConfig.NanoCpus,
      PidsLimit: hostConfig.PidsLimit,
      Init: hostConfig.Init || null,
      Runtime: hostConfig.Runtime,
      SecurityOpt: hostConfig.SecurityOpt ?? null,
    },
    GraphDriver: { Data: { MergedDir: join(dir, 'rootfs'), UpperDir: join(dir, 'upper') }, Name: 'overlay2' },
    Mounts: [],
    Config: config,
    NetworkSettings: networkSettings(record),
  };
}

function portBindings(record: ContainerRecord): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of record.network?.ports ?? []) {
    const key = `${port.containerPort}/${port.protocol}`;
    (bindings[key] ??= []).push({ HostIp: port.hostIp === '0.0.0.0' ? '' : port.hostIp, HostPort: String(port.hostPort) });
  }
  return bindings;
}

function networkSettings(record: ContainerRecord): Record<string, unknown> {
  const network = record.network;
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const key of Object.keys(record.settings.config.ExposedPorts ?? {})) ports[key] = null;
  for (const port of network?.ports ?? []) (ports[`${port.containerPort}/${port.protocol}`] ??= [])?.push({ HostIp: port.hostIp, HostPort: String(port.hostPort) });
  const networks = networkEndpoints(record);
  // the legacy top-level fields are the default bridge's endpoint only, as dockerd fills them: empty on any other network
  const legacy = networks.bridge;
  return {
    Bridge: '',
    SandboxID: network ? record.id : '',
    HairpinMode: false,
    Ports: network ? ports : {},
    SandboxKey: network?.netnsPath ?? (network?.ownNetns && record.pid ? `/proc/${record.pid}/ns/net` : ''),
    Gateway: legacy?.Gateway ?? '',
    IPAddress: legacy?.IPAddress ?? '',
    IPPrefixLen: legacy?.IPPrefixLen ?? 0,
    MacAddress: legacy?.MacAddress ?? '',
    Networks: networks,
  };
}

/**
 * NetworkSettings.Networks: an entry per network the container is on; while it runs, each with its interface's address
 * (a record of a run from before containers had several networks has its primary's only).
 */
export function networkEndpoints(record: ContainerRecord): Record<string, Record<string, unknown>> {
  const attachment = record.network;
  const endpoints = attachment?.endpoints ?? (attachment?.ipAddress ? [{ ...attachment, network: networksOf(record.settings)[0].name, networkId: '' }] : []);
  return Object.fromEntries(networksOf(record.settings).map((network) => {
    const endpoint = endpoints.find((candidate) => candidate.network === network.name);
    return [network.name, {
      IPAMConfig: null,
      Links: null,
      Aliases: network.aliases.length > 0 ? network.aliases : null,
      MacAddress: endpoint?.macAddress ?? '',
      NetworkID: endpoint?.networkId ?? '',
      EndpointID: endpoint?.networkId ? endpointIdOf(record.id, endpoint.networkId) : '',
      Gateway: endpoint?.gateway ?? '',
      IPAddress: endpoint?.ipAddress ?? '',
      IPPrefixLen: endpoint?.ipPrefixLen ?? 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      DNSNames: null,
    }];
  }));
}
