// Attaches a container to its network before it starts (namespace, veth, address, published ports, /etc files) and detaches it after, idempotently.
import type { Store } from '../../store/store.ts';
import { readAttachmentState, removeAttachmentState, writeAttachmentState } from './attachment-state.ts';
import { type BridgeNetwork, ensureBridgeNetwork, ensureUserBridge, withBridgesLock } from './bridge.ts';
import { registerStoreRoot } from './cleanup.ts';
import { writeEtcFiles } from './etc-files.ts';
import { allocateAddress, parseCidr, releaseAddresses } from './ipam.ts';
import { addRules, ownerComment, readRuleSet, removeRulesOf, type Rule } from './iptables.ts';
import { createNetns, macFor, netnsName, plugIntoBridge, removeNetnsAndVeth } from './netns.ts';
import { refreshPeerHosts } from './peer-hosts.ts';
import { allocatePorts, type PublishedPort, releasePorts } from './ports.ts';
import { parseExposed, type PortSpec } from './publish-spec.ts';

export { parsePublish, type PortSpec } from './publish-spec.ts';
export type { PublishedPort } from './ports.ts';
export { cleanupStaleNetworks } from './cleanup.ts';

export interface NetworkRequest {
  containerId: string;
  mode: 'bridge' | 'host' | 'none';
  hostname: string;
  publish: PortSpec[];
  publishAll: boolean;
  /** The image's ExposedPorts keys and `--expose` values (`80/tcp`); published to random host ports with publishAll. */
  exposedPorts: string[];
  /** The container's name: Docker names the endpoint after it in a port-conflict error. */
  name?: string;
  /** With mode bridge: a user-defined network's bridge instead of the default one; its containers see each other by name. */
  userNetwork?: BridgeNetwork;
}

export interface NetworkAttachment {
  /** The namespace the container joins (bridge); absent with none and with the host's network. */
  netnsPath?: string;
  /**
   * --network none: a namespace of the container's own that the runtime makes and brings the loopback up in, as runc
   * and crun do for a namespace without a path; it goes with the container, so nothing is left to undo.
   */
  ownNetns?: boolean;
  ipAddress?: string;
  gateway?: string;
  /** Prefix length of the bridge's subnet (16 for 172.31.0.0/16), for inspect's IPPrefixLen. */
  ipPrefixLen?: number;
  macAddress?: string;
  ports: PublishedPort[];
  /** Host paths the runtime spec bind-mounts at /etc/hosts, /etc/hostname and /etc/resolv.conf. */
  etcFiles: { hosts: string; hostname: string; resolvConf: string };
}

/** Sets up the container's network; on any failure what was done is undone before the error is thrown. */
export async function attachNetwork(store: Store, containerDir: string, request: NetworkRequest): Promise<NetworkAttachment> {
  try {
    if (request.mode === 'host') {
      writeAttachmentState(containerDir, { containerId: request.containerId, mode: 'host' });
      return { ports: [], etcFiles: writeEtcFiles(containerDir, { mode: 'host', hostname: request.hostname }) };
    }
    if (request.mode === 'none') return attachNone(containerDir, request);
    return await attachBridge(store, containerDir, request);
  } catch (error) {
    await detachNetwork(store, containerDir);
    throw error;
  }
}

function attachNone(containerDir: string, request: NetworkRequest): NetworkAttachment {
  writeAttachmentState(containerDir, { containerId: request.containerId, mode: 'none' });
  return { ownNetns: true, ports: [], etcFiles: writeEtcFiles(containerDir, { mode: 'none', hostname: request.hostname }) };
}

async function attachBridge(store: Store, containerDir: string, request: NetworkRequest): Promise<NetworkAttachment> {
  // only a bridge attachment leaves host objects (namespace, veth, rules) that a cleanup must tell apart by store
  registerStoreRoot(store);
  const { rules, network } = await withBridgesLock(async () => {
    const rules = await readRuleSet();
    if (!request.userNetwork) return { rules, network: await ensureBridgeNetwork(store, rules) };
    await ensureUserBridge(store, request.userNetwork, rules);
    return { rules, network: request.userNetwork };
  });
  const netns = netnsName(request.containerId);
  // recorded before anything is created, so a crash from here on leaves enough to undo
  writeAttachmentState(containerDir, { containerId: request.containerId, mode: 'bridge', netns, bridge: network.bridge });
  const ipAddress = allocateAddress(store, network, request.containerId);
  const endpoint = request.name ? `${request.name} (${request.containerId})` : undefined;
  const ports = await allocatePorts(store, request.containerId, portsToPublish(request), { natRules: rules.nat, endpoint });
  writeAttachmentState(containerDir, { containerId: request.containerId, mode: 'bridge', netns, bridge: network.bridge, ipAddress, gateway: network.gateway });
  const netnsPath = await createNetns(netns);
  const prefix = parseCidr(network.subnet).prefix;
  await plugIntoBridge({ containerId: request.containerId, netns, bridge: network.bridge, ipAddress, prefix, gateway: network.gateway });
  await addRules(portRules({ containerId: request.containerId, bridge: network.bridge, ipAddress, ports }));
  const etcFiles = writeEtcFiles(containerDir, { mode: 'bridge', hostname: request.hostname, ipAddress });
  if (request.userNetwork) await refreshPeerHosts(store, network.name);
  return { netnsPath, ipAddress, gateway: network.gateway, ipPrefixLen: prefix, macAddress: macFor(ipAddress), ports, etcFiles };
}

/** Explicit -p entries, then with -P every exposed port not already published, to a random host port. */
export function portsToPublish(request: Pick<NetworkRequest, 'publish' | 'publishAll' | 'exposedPorts'>): PortSpec[] {
  if (!request.publishAll) return request.publish;
  const published = new Set(request.publish.map((spec) => `${spec.containerPort}/${spec.protocol}`));
  const extra = request.exposedPorts.flatMap(parseExposed).filter((port) => !published.has(`${port.containerPort}/${port.protocol}`));
  return [...request.publish, ...extra];
}

function portRules(options: { containerId: string; bridge: string; ipAddress: string; ports: PublishedPort[] }): Rule[] {
  const tag = ownerComment(`wharf:${options.containerId}`);
  const { bridge, ipAddress } = options;
  return options.ports.flatMap((port): Rule[] => {
    const match = `-p ${port.protocol} -m ${port.protocol}`;
    const destination = port.hostIp === '0.0.0.0' ? '' : `-d ${port.hostIp}/32 `;
    return [
      { table: 'nat', chain: 'WHARF', spec: `${destination}${match} --dport ${port.hostPort} ${tag} -j DNAT --to-destination ${ipAddress}:${port.containerPort}` },
      // a container reaching its own published port through the host comes back to itself: masquerade so replies return the same way
      { table: 'nat', chain: 'WHARF-POSTROUTING', spec: `-s ${ipAddress}/32 -d ${ipAddress}/32 ${match} --dport ${port.containerPort} ${tag} -j MASQUERADE` },
      { table: 'filter', chain: 'WHARF-FORWARD', spec: `-d ${ipAddress}/32 ! -i ${bridge} -o ${bridge} ${match} --dport ${port.containerPort} ${tag} -j ACCEPT` },
    ];
  });
}

/** Whether the attachment holds what other containers compete for (a bridge's addresses, ports, rules), unlike a namespace of its own (none) or nothing (host). */
export function networkIsShared(containerDir: string): boolean {
  return readAttachmentState(containerDir).mode === 'bridge';
}

/** Undoes attachNetwork: rules, namespace and veth, address and ports. Safe to call twice, or after a crash mid-attach. */
export async function detachNetwork(store: Store, containerDir: string): Promise<void> {
  const state = readAttachmentState(containerDir);
  // only a bridge attachment adds rules (its state is recorded before the first one)
  if (state.mode === 'bridge') await removeRulesOf(`wharf:${state.containerId}`);
  await removeNetnsAndVeth(state.containerId);
  releasePorts(store, state.containerId);
  // the others on its user-defined networks stop seeing it
  const userNetworks = store.db.all("SELECT network FROM ip_allocations WHERE container_id = ? AND network != 'bridge'", state.containerId).map((row) => String(row.network));
  releaseAddresses(store, state.containerId);
  for (const network of userNetworks) await refreshPeerHosts(store, network);
  removeAttachmentState(containerDir);
}
