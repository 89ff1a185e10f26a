// Builds the OCI runtime spec (config.json for runc) from a container's settings, its user, root filesystem, network, mounts and security options.
import type { ContainerSettings } from '../containers/container-config.ts';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, defaultMounts, MASKED_PATHS, READONLY_PATHS, type SpecMount } from './defaults.ts';
import { seccompSection } from './seccomp.ts';
import { securityOptions } from './security-opts.ts';
import type { ResolvedUser } from './user.ts';
import { CPU_PERIOD, cpuQuota, memorySwap } from '../containers/limits.ts';

export interface SpecInputs {
  containerId: string;
  settings: ContainerSettings;
  rootfs: string;
  user: ResolvedUser;
  /** The environment the process gets (PATH, HOSTNAME, TERM, then the container's). */
  env: string[];
  /** The network namespace to join; without one, a new one when `ownNetns`, else the host's. */
  netnsPath?: string;
  ownNetns?: boolean;
  etcFiles?: { hosts: string; hostname: string; resolvConf: string };
  mounts: SpecMount[];
  /** The host's tini (docker-init) for --init, bind-mounted at /sbin/docker-init as Docker does. */
  initBinary?: string;
  consoleSize?: { height: number; width: number };
}

export const INIT_PATH = '/sbin/docker-init';

export function buildSpec(inputs: SpecInputs): Record<string, unknown> {
  const { settings, user } = inputs;
  const { config, hostConfig } = settings;
  const privileged = hostConfig.Privileged;
  const capabilities = privileged ? ALL_CAPABILITIES : DEFAULT_CAPABILITIES;
  const security = securityOptions(hostConfig.SecurityOpt ?? []);
  const seccomp = seccompSection(security.seccomp, { privileged, capabilities });
  const args = [settings.path, ...settings.args];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: config.Tty,
      ...(config.Tty && inputs.consoleSize ? { consoleSize: inputs.consoleSize } : {}),
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) },
      args: hostConfig.Init ? [INIT_PATH, '--', ...args] : args,
      env: inputs.env,
      cwd: config.WorkingDir || '/',
      capabilities: { bounding: capabilities, effective: capabilities, permitted: capabilities, ...(privileged ? { inheritable: capabilities } : {}) },
      noNewPrivileges: security.noNewPrivileges,
      oomScoreAdj: 0,
    },
    root: { path: inputs.rootfs, readonly: hostConfig.ReadonlyRootfs },
    hostname: config.Hostname,
    mounts: [...defaultMounts({ privileged }), ...etcMounts(inputs), ...inputs.mounts, ...initMount(inputs)],
    linux: {
      namespaces: namespaces(inputs),
      cgroupsPath: `/wharf/${inputs.containerId}`,
      resources: resources(settings),
      ...(privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
      ...(seccomp ? { seccomp } : {}),
    },
  };
}

function namespaces({ netnsPath, ownNetns }: SpecInputs): Array<{ type: string; path?: string }> {
  const network = netnsPath ? [{ type: 'network', path: netnsPath }] : ownNetns ? [{ type: 'network' }] : [];
  return [{ type: 'mount' }, { type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, ...network];
}

/** Docker bind-mounts the files the network set up over the image's own; a mount the user gave for one of them wins. */
function etcMounts(inputs: SpecInputs): SpecMount[] {
  if (!inputs.etcFiles) return [];
  const taken = new Set(inputs.mounts.map((mount) => mount.destination));
  const files = [
    ['/etc/resolv.conf', inputs.etcFiles.resolvConf],
    ['/etc/hostname', inputs.etcFiles.hostname],
    ['/etc/hosts', inputs.etcFiles.hosts],
  ];
  const readOnly = inputs.settings.hostConfig.ReadonlyRootfs ? 'ro' : 'rw';
  return files.filter(([destination]) => !taken.has(destination)).map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'rprivate', readOnly] }));
}

function initMount(inputs: SpecInputs): SpecMount[] {
  if (!inputs.settings.hostConfig.Init || !inputs.initBinary) return [];
  return [{ destination: INIT_PATH, type: 'bind', source: inputs.initBinary, options: ['bind', 'ro'] }];
}

function resources(settings: ContainerSettings): Record<string, unknown> {
  const { Memory, NanoCpus, PidsLimit, Privileged } = settings.hostConfig;
  return {
    devices: [{ allow: Privileged, access: 'rwm' }],
    ...(Memory > 0 ? { memory: { limit: Memory, swap: memorySwap(Memory) } } : {}),
    ...(NanoCpus > 0 ? { cpu: { quota: cpuQuota(NanoCpus), period: CPU_PERIOD } } : {}),
    ...(PidsLimit && PidsLimit > 0 ? { pids: { limit: PidsLimit } } : {}),
  };
}
