// Attaches a container to its networks before it starts (namespace, a veth per network, addresses, published ports, /etc files), connects and
// disconnects one network while it runs, and detaches it all after, idempotently.
import type { Store } from '../../store/store.ts';
import { type AttachmentState, type Endpoint, readAttachmentState, removeAttachmentState, writeAttachmentState } from './attachment-state.ts';
import { type BridgeNetwork, ensureBridgeNetwork, ensureUserBridge, withBridgesLock } from './bridge.ts';
import { registerStoreRoot } from './cleanup.ts';
import { writeEtcFiles } from './etc-files.ts';
import { allocateAddress, parseCidr, releaseAddresses } from './ipam.ts';
import { addRules, ownerComment, readRuleSet, removeRulesOf, type Rule, type RuleSet } from './iptables.ts';
import { createNetns, macFor, netnsName, plugIntoBridge, removeNetnsAndVeth, unplugFromBridge } from './netns.ts';
import { membersOf, refreshHosts } from './peer-hosts.ts';
import { allocatePorts, type PublishedPort, releasePorts } from './ports.ts';
import { parseExposed, type PortSpec } from './publish-spec.ts';

export { parsePublish, type PortSpec } from './publish-spec.ts';
export type { PublishedPort } from './ports.ts';
export type { Endpoint } from './attachment-state.ts';
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
  /** With mode bridge: the networks besides the primary one, as eth1, eth2 … without the default route. */
  extraNetworks?: BridgeTarget[];
}

/** A bridge network to plug into: a user-defined one, or the store's default bridge. */
export type BridgeTarget = BridgeNetwork | 'bridge';

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
  /** With a bridge: each network's interface, eth0 (the fields above) first; absent in records of older runs. */
  endpoints?: Endpoint[];
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
  const { rules, network } = await ensureBridge(store, request.userNetwork ?? 'bridge');
  const netns = netnsName(request.containerId);
  const state: AttachmentState = { containerId: request.containerId, mode: 'bridge', netns, bridge: network.bridge };
  // recorded before anything is created, so a crash from here on leaves enough to undo
  writeAttachmentState(containerDir, state);
  const ipAddress = allocateAddress(store, network, request.containerId);
  const endpointName = request.name ? `${request.name} (${request.containerId})` : undefined;
  const ports = await allocatePorts(store, request.containerId, portsToPublish(request), { natRules: rules.nat, endpoint: endpointName });
  state.ipAddress = ipAddress;
  state.gateway = network.gateway;
  writeAttachmentState(containerDir, state);
  const netnsPath = await createNetns(netns);
  const eth0 = await plugEndpoint(store, containerDir, state, network);
  await addRules(portRules({ containerId: request.containerId, bridge: network.bridge, ipAddress, ports }));
  const etcFiles = writeEtcFiles(containerDir, { mode: 'bridge', hostname: request.hostname, ipAddress });
  for (const target of request.extraNetworks ?? []) await plugEndpoint(store, containerDir, state, (await ensureBridge(store, target)).network);
  // names on user-defined networks, and the addresses on the others, are more than writeEtcFiles wrote
  if (request.userNetwork || (request.extraNetworks ?? []).length > 0) await refreshHostsAround(store, request.containerId);
  return { netnsPath, ipAddress, gateway: network.gateway, ipPrefixLen: eth0.ipPrefixLen, macAddress: eth0.macAddress, ports, etcFiles, endpoints: state.endpoints };
}

/** The network's bridge, made or repaired (and its rules), with the rule set read under the lock. */
async function ensureBridge(store: Store, target: BridgeTarget): Promise<{ rules: RuleSet; network: BridgeNetwork }> {
  return withBridgesLock(async () => {
    const rules = await readRuleSet();
    if (target === 'bridge') return { rules, network: await ensureBridgeNetwork(store, rules) };
    await ensureUserBridge(store, target, rules);
    return { rules, network: target };
  });
}

/**
 * An address on the network and a veth into the namespace as the lowest free ethN (eth0 with the default route),
 * recorded in the state before the veth exists, so a crash leaves it for detachNetwork to find.
 */
async function plugEndpoint(store: Store, containerDir: string, state: AttachmentState, network: BridgeNetwork): Promise<Endpoint> {
  const endpoints = state.endpoints ?? [];
  const taken = new Set(endpoints.map((endpoint) => endpoint.index));
  let index = 0;
  while (taken.has(index)) index++;
  const ipAddress = allocateAddress(store, network, state.containerId);
  const prefix = parseCidr(network.subnet).prefix;
  const endpoint: Endpoint = { network: network.name, networkId: network.id, bridge: network.bridge, index, ipAddress, gateway: network.gateway, ipPrefixLen: prefix, macAddress: macFor(ipAddress) };
  state.endpoints = [...endpoints, endpoint];
  writeAttachmentState(containerDir, state);
  await plugIntoBridge({ containerId: state.containerId, netns: state.netns!, bridge: network.bridge, index, ipAddress, prefix, gateway: network.gateway, defaultRoute: index === 0 });
  return endpoint;
}

/** The container's hosts file and those of everyone on its user-defined networks. */
async function refreshHostsAround(store: Store, containerId: string): Promise<void> {
  const networks = store.db.all("SELECT network FROM ip_allocations WHERE container_id = ? AND network != 'bridge'", containerId).map((row) => String(row.network));
  await refreshHosts(store, [containerId, ...networks.flatMap((network) => membersOf(store, network))]);
}

/**
 * `network connect` of a running container: the network's interface is added to its namespace at once, and the
 * container and its new peers see each other by name. Undone on failure.
 */
export async function connectLive(store: Store, containerDir: string, target: BridgeTarget): Promise<Endpoint> {
  const state = readAttachmentState(containerDir);
  const { network } = await ensureBridge(store, target);
  state.endpoints = endpointsOf(store, state);
  try {
    const endpoint = await plugEndpoint(store, containerDir, state, network);
    await refreshHostsAround(store, state.containerId);
    return endpoint;
  } catch (error) {
    await disconnectLive(store, containerDir, network.name);
    throw error;
  }
}

/** `network disconnect` of a running container: that network's interface, address and names go; the primary's published ports with it. */
export async function disconnectLive(store: Store, containerDir: string, network: string): Promise<void> {
  const state = readAttachmentState(containerDir);
  const endpoints = endpointsOf(store, state);
  const endpoint = endpoints.find((candidate) => candidate.network === network);
  const peers = membersOf(store, network);
  if (endpoint?.ipAddress === state.ipAddress) {
    await removeRulesOf(`wharf:${state.containerId}`);
    releasePorts(store, state.containerId);
  }
  if (endpoint) await unplugFromBridge(state.containerId, endpoint.index);
  releaseAddresses(store, state.containerId, network);
  writeAttachmentState(containerDir, { ...state, endpoints: endpoints.filter((candidate) => candidate !== endpoint) });
  await refreshHosts(store, [state.containerId, ...peers]);
}

/** The state's endpoints; a state from before containers had several has its eth0 only, told by its address. */
function endpointsOf(store: Store, state: AttachmentState): Endpoint[] {
  if (state.endpoints) return state.endpoints;
  if (!state.ipAddress) return [];
  const row = store.db.get('SELECT a.network, n.id, n.subnet FROM ip_allocations a JOIN networks n ON n.name = a.network WHERE a.container_id = ? AND a.address = ?', state.containerId, state.ipAddress);
  if (!row) return [];
  const ipPrefixLen = parseCidr(String(row.subnet)).prefix;
  return [{ network: String(row.network), networkId: String(row.id), bridge: state.bridge ?? '', index: 0, ipAddress: state.ipAddress, gateway: state.gateway ?? '', ipPrefixLen, macAddress: macFor(state.ipAddress) }];
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
  if (userNetworks.length > 0) await refreshHosts(store, userNetworks.flatMap((network) => membersOf(store, network)));
  removeAttachmentState(containerDir);
}
