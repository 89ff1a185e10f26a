// `network connect` / `network disconnect` for a container that is not running: its recorded network (HostConfig.NetworkMode)
// and its aliases there change, and take effect when it starts. A container has one network in wharf, so a running one, or a
// connect to a second network, is refused rather than half done.
import { InvalidArgumentError, NotImplementedError, WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { findNetwork, isBuiltin, type NetworkRecord, PREDEFINED_NETWORKS } from '../network/networks.ts';
import { type ContainerRecord, resolveContainer } from './container-store.ts';

/** The network a record is on, by name: `default` is the bridge. */
export function networkOf(record: Pick<ContainerRecord, 'settings'>): string {
  const mode = record.settings.hostConfig.NetworkMode;
  return mode === 'default' ? 'bridge' : mode;
}

/** dockerd's check: aliases are names on a user-defined network only. */
export function checkAliases(network: string, aliases: string[]): void {
  if (aliases.length > 0 && PREDEFINED_NETWORKS.includes(network)) {
    throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks', { exitCode: 1 });
  }
}

function refuseRunning(record: ContainerRecord, message: string): void {
  // paused and restarting containers have their network set up too
  if (record.state === 'running' || record.state === 'restarting' || record.paused) throw new NotImplementedError(message, { exitCode: 1 });
}

function saveNetwork(store: Store, id: string, network: string, aliases: string[]): void {
  store.db.transaction(() => {
    const row = store.db.get('SELECT settings FROM containers WHERE id = ?', id);
    if (!row) return;
    const settings = JSON.parse(String(row.settings)) as ContainerRecord['settings'];
    settings.hostConfig.NetworkMode = network;
    if (aliases.length > 0) settings.aliases = aliases;
    else delete settings.aliases;
    store.db.run('UPDATE containers SET settings = ? WHERE id = ?', JSON.stringify(settings), id);
  });
}

/** The container, then the network (dockerd's order of lookups: a missing one is a 404 either way). */
async function lookUp(store: Store, networkReference: string, containerReference: string): Promise<{ record: ContainerRecord; network: NetworkRecord }> {
  const record = resolveContainer(store, containerReference);
  const network = await findNetwork(store, networkReference);
  return { record, network };
}

/**
 * Puts a created or stopped container on the network with these aliases. Already on it: the aliases are replaced. On
 * none (after a disconnect, as compose does before it connects with the service's aliases): moved to it. On another
 * network: refused, as wharf gives a container one network.
 */
export async function connectContainer(store: Store, networkReference: string, containerReference: string, aliases: string[] = []): Promise<void> {
  const { record, network } = await lookUp(store, networkReference, containerReference);
  refuseRunning(record, `wharf cannot attach a running container to a second network yet: stop ${record.name} and connect it then`);
  const current = networkOf(record);
  if (network.name === 'host' || current === 'host') throw new InvalidArgumentError('container cannot be disconnected from host network or connected to host network', { exitCode: 1 });
  checkAliases(network.name, aliases);
  const unique = [...new Set(aliases.filter(Boolean))];
  if (current === network.name || current === 'none') {
    saveNetwork(store, record.id, network.name, unique);
    return;
  }
  throw new NotImplementedError(`wharf cannot connect a container to a second network yet: ${record.name} is on ${current}; disconnect it from ${current} first`, { exitCode: 1 });
}

/** Takes a created or stopped container off its network: it is left on none, with no aliases. */
export async function disconnectContainer(store: Store, networkReference: string, containerReference: string): Promise<void> {
  const { record, network } = await lookUp(store, networkReference, containerReference);
  refuseRunning(record, `wharf cannot detach a running container from its network yet: stop ${record.name} and disconnect it then`);
  if (networkOf(record) !== network.name) throw new WharfError(`container ${record.id} is not connected to the network ${network.name}`, { exitCode: 1 });
  if (isBuiltin(network) && network.name === 'none') return;
  saveNetwork(store, record.id, 'none', []);
}
