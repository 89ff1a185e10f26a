// A container's network namespace (`ip netns`, so `ip netns list` shows it) and the veth pair that plugs it into the bridge.
import { existsSync } from 'node:fs';
import { mustRun, runHostCommand } from './host-command.ts';

export const NETNS_DIR = '/run/netns';

/** Namespace and interface names derived from the container ID; interface names stay within Linux's 15 characters. */
export function netnsName(containerId: string): string {
  return `wharf-${containerId}`;
}

export function hostVethName(containerId: string): string {
  return `vw${containerId.slice(0, 12)}`;
}

function peerVethName(containerId: string): string {
  return `vp${containerId.slice(0, 12)}`;
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

/** A veth pair: one end on the bridge (hairpin on, so a container reaches its own published ports), the other as eth0 in the namespace with its address and default route. */
export async function plugIntoBridge(options: { containerId: string; netns: string; bridge: string; ipAddress: string; prefix: number; gateway: string }): Promise<void> {
  const hostEnd = hostVethName(options.containerId);
  const peer = peerVethName(options.containerId);
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
      `link set ${peer} name eth0`,
      `link set eth0 address ${macFor(options.ipAddress)}`,
      `addr add ${options.ipAddress}/${options.prefix} dev eth0`,
      'link set eth0 up',
      `route add default via ${options.gateway}`,
    ].join('\n'),
  });
}

/** Removes the namespace and the host end of the veth (which normally goes with it); either may already be gone. */
export async function removeNetnsAndVeth(containerId: string): Promise<void> {
  const name = netnsName(containerId);
  if (existsSync(`${NETNS_DIR}/${name}`)) await runHostCommand('ip', ['netns', 'del', name]);
  const hostEnd = hostVethName(containerId);
  if (existsSync(`/sys/class/net/${hostEnd}`)) await runHostCommand('ip', ['link', 'del', hostEnd]);
}
