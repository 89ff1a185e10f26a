// `network connect` / `network disconnect`: the networks a container is on (HostConfig.NetworkMode's, then its settings'
// extraNetworks) and its aliases on each change; a running container's interface is added or removed at once.
import { ForbiddenError, InvalidArgumentError, WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { type BridgeTarget, connectLive, disconnectLive, type Endpoint } from '../network/attach.ts';
import { findNetwork, type NetworkRecord, PREDEFINED_NETWORKS, userBridge } from '../network/networks.ts';
import { type ContainerNetwork, networksOf } from './container-networks.ts';
import { changeSettings, containerDir, type ContainerRecord, resolveContainer, RUN_STATE, updateContainer } from './container-store.ts';

/** dockerd's check: aliases are names on a user-defined network only. */
export function checkAliases(network: string, aliases: string[]): void {
  if (aliases.length > 0 && PREDEFINED_NETWORKS.includes(network)) {
    throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks', { exitCode: 1 });
  }
}

/** dockerd's checks of a container's networks: host and none are on their own. */
export function checkExclusive(primary: string, other: string): void {
  if (other === 'host') throw new InvalidArgumentError('container cannot be disconnected from host network or connected to host network', { exitCode: 1 });
  if (primary === 'host' || primary.startsWith('container:')) throw new InvalidArgumentError('container sharing network namespace with another container or host cannot be connected to any other network', { exitCode: 1 });
  if (primary === 'none' || other === 'none') throw new InvalidArgumentError('container cannot be connected to multiple networks with one of the networks in private (none) mode', { exitCode: 1 });
}

/** Paused and restarting containers have their network set up too. */
function isAttached(record: ContainerRecord): boolean {
  return record.state === 'running' || record.state === 'restarting' || record.paused;
}

/** Rewrites the container's networks from its latest stored settings, in one transaction. */
function saveNetworks(store: Store, id: string, change: (networks: ContainerNetwork[]) => ContainerNetwork[]): void {
  changeSettings(store, id, (settings) => {
    const [primary = { name: 'none', aliases: [] }, ...extra] = change(networksOf(settings));
    settings.hostConfig.NetworkMode = primary.name;
    if (primary.aliases.length > 0) settings.aliases = primary.aliases;
    else delete settings.aliases;
    if (extra.length > 0) settings.extraNetworks = Object.fromEntries(extra.map((network) => [network.name, network.aliases.length > 0 ? { aliases: network.aliases } : {}]));
    else delete settings.extraNetworks;
  });
}

/** The running container's recorded interfaces, changed (for inspect). */
function saveEndpoints(store: Store, id: string, change: (endpoints: Endpoint[]) => Endpoint[]): void {
  store.db.transaction(() => {
    const row = store.db.get('SELECT network FROM containers WHERE id = ?', id);
    if (!row?.network) return;
    const network = JSON.parse(String(row.network)) as NonNullable<ContainerRecord['network']>;
    updateContainer(store, id, { network: { ...network, endpoints: change(network.endpoints ?? []) } });
  }, RUN_STATE);
}

/** The container, then the network (dockerd's order of lookups: a missing one is a 404 either way). */
async function lookUp(store: Store, networkReference: string, containerReference: string): Promise<{ record: ContainerRecord; network: NetworkRecord }> {
  const record = resolveContainer(store, containerReference);
  const network = await findNetwork(store, networkReference);
  return { record, network };
}

/**
 * Puts the container on the network with these aliases, live when it runs. A container that is not running and is
 * already on it has its aliases replaced; one on none (after a disconnect, as compose does before it connects with the
 * service's aliases) is moved to it.
 */
export async function connectContainer(store: Store, networkReference: string, containerReference: string, aliases: string[] = []): Promise<void> {
  const { record, network } = await lookUp(store, networkReference, containerReference);
  const networks = networksOf(record.settings);
  const attached = isAttached(record);
  checkAliases(network.name, aliases);
  const unique = [...new Set(aliases.filter(Boolean))];
  const onIt = networks.some((candidate) => candidate.name === network.name);
  if (onIt && attached) throw new ForbiddenError(`endpoint with name ${record.name} already exists in network ${network.name}`, { exitCode: 1 });
  // a running container off its last network still has its namespace, as one on none does not
  const movesFromNone = networks[0].name === 'none' && (!attached || record.network?.netnsPath !== undefined);
  if (!onIt && !movesFromNone) checkExclusive(networks[0].name, network.name);
  const entry = { name: network.name, aliases: unique };
  saveNetworks(store, record.id, (current) => {
    if (movesFromNone) return [entry];
    return onIt ? current.map((candidate) => (candidate.name === network.name ? entry : candidate)) : [...current, entry];
  });
  if (!attached) return;
  try {
    const endpoint = await connectLive(store, containerDir(store, record.id), bridgeTarget(network));
    saveEndpoints(store, record.id, (endpoints) => [...endpoints, endpoint]);
  } catch (error) {
    saveNetworks(store, record.id, (current) => current.filter((candidate) => candidate.name !== network.name));
    throw error;
  }
}

function bridgeTarget(network: NetworkRecord): BridgeTarget {
  return network.name === 'bridge' ? 'bridge' : userBridge(network);
}

/**
 * Takes the container off the network, live when it runs; a container off its last network is left on none. Off its
 * primary network, the next one becomes its primary.
 */
export async function disconnectContainer(store: Store, networkReference: string, containerReference: string): Promise<void> {
  const { record, network } = await lookUp(store, networkReference, containerReference);
  const networks = networksOf(record.settings);
  const attached = isAttached(record);
  if (network.name === 'host') checkExclusive(networks[0].name, 'host');
  // dockerd's two texts: the running container's sandbox, or the stopped container's settings
  if (!networks.some((candidate) => candidate.name === network.name)) {
    throw new WharfError(`container ${record.id} is not connected to ${attached ? '' : 'the '}network ${network.name}`, { exitCode: 1 });
  }
  if (network.name === 'none') return;
  if (attached) {
    await disconnectLive(store, containerDir(store, record.id), network.name);
    saveEndpoints(store, record.id, (endpoints) => endpoints.filter((endpoint) => endpoint.network !== network.name));
  }
  saveNetworks(store, record.id, (current) => current.filter((candidate) => candidate.name !== network.name));
}
