// A container's network namespace (`ip netns`, so `ip netns list` shows it) and the veth pair that plugs it into the bridge.
import { existsSync, readdirSync } from 'node:fs';
import { mustRun, runHostCommand } from './host-command.ts';

export const NETNS_DIR = '/run/netns';

/** Namespace and interface names derived from the container ID; interface names stay within Linux's 15 characters. */
export function netnsName(containerId: string): string {
  return `wharf-${containerId}`;
}

/**
 * The host end of the veth behind the container's eth<index>: eth0's keeps the name it always had, the others add the
 * index in base 36 (15 characters, Linux's limit), so every veth of a container starts with its eth0's name.
 */
export function hostVethName(containerId: string, index = 0): string {
  return `vw${containerId.slice(0, 12)}${index === 0 ? '' : index.toString(36)}`;
}

function peerVethName(containerId: string, index: number): string {
  return `vp${containerId.slice(0, 12)}${index === 0 ? '' : index.toString(36)}`;
}

/** A new namespace for a bridge attachment; plugIntoBridge brings its loopback up with eth0. */
export async function createNetns(name: string): Promise<string> {
  await mustRun('ip', ['netns', 'add', name]);
  return `${NETNS_DIR}/${name}`;
}

/** Docker's MAC for an IPv4 address: 02:42 then the address's four bytes. */
export function macFor(ipAddress: string): string {
  return ['02', '42', ...ipAddress.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0'))].join(':');
}

export interface VethPlug {
  containerId: string;
  netns: string;
  bridge: string;
  /** N of the container's ethN. */
  index: number;
  ipAddress: string;
  prefix: number;
  gateway: string;
  /** Only the primary network's interface carries the default route, as in Docker. */
  defaultRoute: boolean;
}

/** A veth pair: one end on the bridge (hairpin on, so a container reaches its own published ports), the other as ethN in the namespace with its address. */
export async function plugIntoBridge(options: VethPlug): Promise<void> {
  const hostEnd = hostVethName(options.containerId, options.index);
  const peer = peerVethName(options.containerId, options.index);
  const device = `eth${options.index}`;
  await mustRun('ip', ['-batch', '-'], {
    input: [
      `link add ${hostEnd} type veth peer name ${peer} netns ${options.netns}`,
      `link set ${hostEnd} master ${options.bridge}`,
      `link set ${hostEnd} type bridge_slave hairpin on`,
      `link set ${hostEnd} up`,
    ].join('\n'),
  });
  await mustRun('ip', ['-n', options.netns, '-batch', '-'], {
    input: [
      'link set lo up',
      `link set ${peer} name ${device}`,
      `link set ${device} address ${macFor(options.ipAddress)}`,
      `addr add ${options.ipAddress}/${options.prefix} dev ${device}`,
      `link set ${device} up`,
      ...(options.defaultRoute ? [`route add default via ${options.gateway}`] : []),
    ].join('\n'),
  });
}

/** Takes one interface out of a running container: deleting the host end of its veth deletes the pair. */
export async function unplugFromBridge(containerId: string, index: number): Promise<void> {
  const hostEnd = hostVethName(containerId, index);
  if (existsSync(`/sys/class/net/${hostEnd}`)) await runHostCommand('ip', ['link', 'del', hostEnd]);
}

/** Removes the namespace and the host ends of its veths (which normally go with it); any may already be gone. */
export async function removeNetnsAndVeth(containerId: string): Promise<void> {
  const name = netnsName(containerId);
  if (existsSync(`${NETNS_DIR}/${name}`)) await runHostCommand('ip', ['netns', 'del', name]);
  const prefix = hostVethName(containerId);
  for (const link of readdirSync('/sys/class/net').filter((link) => link.startsWith(prefix))) await runHostCommand('ip', ['link', 'del', link]);
}
