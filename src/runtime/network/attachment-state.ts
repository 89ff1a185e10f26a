// What was set up for a container's network, kept in its directory (network.json) so a later process, or one after a crash, can undo it.
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomically } from './atomic-write.ts';

/** One network's interface in the container's namespace (bridge mode). */
export interface Endpoint {
  /** The network's name, as ip_allocations records it. */
  network: string;
  networkId: string;
  bridge: string;
  /** N of the container's ethN. */
  index: number;
  ipAddress: string;
  gateway: string;
  ipPrefixLen: number;
  macAddress: string;
}

export interface AttachmentState {
  containerId: string;
  mode: 'bridge' | 'host' | 'none';
  /** The `ip netns` name, once one is (about to be) created. */
  netns?: string;
  /** The primary network's (eth0's) bridge, address and gateway: the published ports lead there. */
  bridge?: string;
  ipAddress?: string;
  gateway?: string;
  /** Every interface plugged so far, eth0 first; absent in states written before a container could have several. */
  endpoints?: Endpoint[];
}

const STATE_FILE = 'network.json';

export function writeAttachmentState(containerDir: string, state: AttachmentState): void {
  writeFileAtomically(join(containerDir, STATE_FILE), `${JSON.stringify(state)}\n`);
}

/** The recorded state, or just the container ID (the directory's name) when nothing was recorded. */
export function readAttachmentState(containerDir: string): AttachmentState {
  try {
    return JSON.parse(readFileSync(join(containerDir, STATE_FILE), 'utf8')) as AttachmentState;
  } catch {
    return { containerId: basename(containerDir), mode: 'none' };
  }
}

export function removeAttachmentState(containerDir: string): void {
  rmSync(join(containerDir, STATE_FILE), { force: true });
}
