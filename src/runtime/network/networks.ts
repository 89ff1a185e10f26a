// The built-in networks (bridge, host, none) and user-defined bridge networks (create, rm, prune) as `network ls` (and its filters) and `network inspect` show them, in Docker's shapes.
import { crypto } from '../../digest/digest.ts';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { ensureUserBridge, freeSubnet, recordBridge, recordedBridge, removeBridge, withBridgesLock } from './bridge.ts';
import { registerStoreRoot } from './cleanup.ts';
import { endpointIdOf } from './endpoint-id.ts';
import { macFor } from './netns.ts';
import { formatCidr, gatewayOf, ipToNumber, overlaps, parseCidr, subnetSize } from './ipam.ts';
import { readRuleSet } from './iptables.ts';

/** The names dockerd keeps for its own networks (`default` is the bridge). */
export const PREDEFINED_NETWORKS = ['bridge', 'host', 'none', 'default'];

export interface NetworkRecord {
  name: string;
  id: string;
  driver: string;
  bridge: string | null;
  subnet: string | null;
  gateway: string | null;
  created: string;
  /** JSON of the network's labels (user-defined networks). */
  labels: string | null;
}

/** Records the three built-in networks on first use; the bridge's interface is only made when a container attaches. */
export async function builtinNetworks(store: Store): Promise<NetworkRecord[]> {
  if (!recordedBridge(store)) await recordBridge(store);
  store.db.transaction(() => {
    for (const [name, driver] of [['host', 'host'], ['none', 'null']]) {
      store.db.run('INSERT OR IGNORE INTO networks (name, id, driver, created) VALUES (?, ?, ?, ?)', name, crypto().randomBytes(32).toString('hex'), driver, new Date().toISOString());
    }
  });
  return store.db.all('SELECT name, id, driver, bridge, subnet, gateway, created, labels FROM networks ORDER BY name') as unknown as NetworkRecord[];
}

/** By exact name, full ID, or ID prefix, as dockerd resolves a network reference. */
export async function findNetwork(store: Store, reference: string): Promise<NetworkRecord> {
  const networks = await builtinNetworks(store);
  const found = networks.find((network) => network.name === reference || network.id === reference) ?? networks.find((network) => reference.length > 0 && network.id.startsWith(reference));
  if (!found) throw new NotFoundError(`network ${reference} not found`);
  return found;
}

/**
 * dockerd's network filters for the built-in networks: name and id (substring / prefix), driver, type, scope; each
 * key's values are alternatives, keys must all match.
 */
export function networkFilter(filters: string[]): (network: NetworkRecord) => boolean {
  const byKey = new Map<string, string[]>();
  for (const filter of filters) {
    const equals = filter.indexOf('=');
    const key = filter.slice(0, equals);
    const value = filter.slice(equals + 1);
    if (!['name', 'id', 'driver', 'scope', 'type'].includes(key)) throw new InvalidArgumentError(`Invalid filter '${key}'`);
    if (key === 'type' && value !== 'builtin' && value !== 'custom') throw new InvalidArgumentError(`invalid filter: 'type'='${value}'`);
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  return (network) => [...byKey].every(([key, wanted]) => wanted.some((value) => networkMatches(network, key, value)));
}

function networkMatches(network: NetworkRecord, key: string, value: string): boolean {
  if (key === 'name') return network.name.includes(value);
  if (key === 'id') return network.id.startsWith(value);
  if (key === 'driver') return network.driver === value;
  if (key === 'scope') return value === 'local';
  return value === (isBuiltin(network) ? 'builtin' : 'custom');
}

/** dockerd's network inspect document. */
export function inspectNetwork(store: Store, network: NetworkRecord, containerName: (id: string) => string): Record<string, unknown> {
  const isBridge = network.driver === 'bridge';
  const prefix = network.subnet ? parseCidr(network.subnet).prefix : 0;
  const containers = isBridge
    ? Object.fromEntries(store.db.all('SELECT container_id, address FROM ip_allocations WHERE network = ? ORDER BY address', network.name).map((row) => [
        String(row.container_id),
        { Name: containerName(String(row.container_id)), EndpointID: endpointIdOf(String(row.container_id), network.id), MacAddress: macFor(String(row.address)), IPv4Address: `${String(row.address)}/${prefix}`, IPv6Address: '' },
      ]))
    : {};
  return {
    Name: network.name,
    Id: network.id,
    Created: network.created,
    Scope: 'local',
    Driver: network.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: isBridge ? [{ Subnet: network.subnet, Gateway: network.gateway }] : [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: isBridge && isBuiltin(network) ? bridgeOptions(network.bridge ?? '') : {},
    Labels: network.labels ? (JSON.parse(network.labels) as Record<string, string>) : {},
  };
}

function bridgeOptions(bridge: string): Record<string, string> {
  return {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': bridge,
    'com.docker.network.driver.mtu': '1500',
  };
}

export function isBuiltin(network: Pick<NetworkRecord, 'name'>): boolean {
  return PREDEFINED_NETWORKS.includes(network.name);
}

export interface CreateNetworkOptions {
  name: string;
  driver?: string;
  subnet?: string;
  gateway?: string;
  labels?: Record<string, string>;
}

/**
 * `network create`: a bridge network of its own, with a subnet from the pools that no host route, no claimed bridge and
 * no network of this store overlaps (or the one asked for), and its bridge `br-<id>` made at once, as dockerd does.
 */
export async function createNetwork(store: Store, options: CreateNetworkOptions): Promise<NetworkRecord> {
  const driver = options.driver || 'bridge';
  // dockerd's text, trailing space and all
  if (PREDEFINED_NETWORKS.includes(options.name)) throw new ForbiddenError(`operation is not permitted on predefined ${options.name} network `);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(options.name)) throw new InvalidArgumentError(`invalid network name "${options.name}"`);
  if (driver !== 'bridge') throw new NotFoundError(`plugin "${driver}" not found`);
  await builtinNetworks(store);
  registerStoreRoot(store);
  return withBridgesLock(async () => {
    const existing = () => store.db.get('SELECT name FROM networks WHERE name = ?', options.name);
    if (existing()) throw new ConflictError(`network with name ${options.name} already exists`);
    const ours = (store.db.all('SELECT subnet FROM networks WHERE subnet IS NOT NULL') as Array<{ subnet: string }>).map((row) => parseCidr(row.subnet));
    let subnet;
    if (options.subnet) {
      if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(options.subnet) || Number(options.subnet.split('/')[1]) > 30) throw new InvalidArgumentError(`invalid subnet ${options.subnet}`);
      subnet = parseCidr(options.subnet);
      if (ours.some((used) => overlaps(used, subnet!))) throw new InvalidArgumentError('invalid pool request: Pool overlaps with other one on this address space');
    } else {
      subnet = await freeSubnet(ours);
    }
    const gateway = options.gateway ?? gatewayOf(subnet);
    const gatewayNumber = ipToNumber(gateway);
    if (gatewayNumber <= subnet.base || gatewayNumber >= subnet.base + subnetSize(subnet) - 1) throw new InvalidArgumentError(`invalid gateway ${gateway}: not in subnet ${formatCidr(subnet)}`);
    const id = crypto().randomBytes(32).toString('hex');
    const record: NetworkRecord = {
      name: options.name, id, driver, bridge: `br-${id.slice(0, 12)}`, subnet: formatCidr(subnet), gateway, created: new Date().toISOString(),
      labels: JSON.stringify(options.labels ?? {}),
    };
    store.db.transaction(() => {
      if (existing()) throw new ConflictError(`network with name ${options.name} already exists`);
      store.db.run(
        'INSERT INTO networks (name, id, driver, bridge, subnet, gateway, created, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        record.name, record.id, record.driver, record.bridge, record.subnet, record.gateway, record.created, record.labels,
      );
    });
    try {
      await ensureUserBridge(store, userBridge(record), await readRuleSet());
    } catch (error) {
      await removeBridge(record.bridge!);
      store.db.transaction(() => store.db.run('DELETE FROM networks WHERE id = ?', record.id));
      throw error;
    }
    return record;
  });
}

export function userBridge(network: NetworkRecord): { name: string; id: string; bridge: string; subnet: string; gateway: string } {
  return { name: network.name, id: network.id, bridge: network.bridge!, subnet: network.subnet!, gateway: network.gateway! };
}

/** A user-defined network by name or ID for `run --network`; undefined for any other name. */
export function userNetwork(store: Store, reference: string): NetworkRecord | undefined {
  if (PREDEFINED_NETWORKS.includes(reference)) return undefined;
  const row = store.db.get('SELECT name, id, driver, bridge, subnet, gateway, created, labels FROM networks WHERE name = ? OR id = ?', reference, reference);
  return row && row.driver === 'bridge' && row.bridge ? (row as unknown as NetworkRecord) : undefined;
}

/** `network rm`: refused for built-in networks and while a container is attached; the bridge and its rules go first, then the row. */
export async function removeNetwork(store: Store, reference: string): Promise<NetworkRecord> {
  const network = await findNetwork(store, reference);
  if (isBuiltin(network)) throw new ForbiddenError(`${network.name} is a pre-defined network and cannot be removed`);
  await withBridgesLock(async () => {
    if (store.db.get('SELECT container_id FROM ip_allocations WHERE network = ? LIMIT 1', network.name)) {
      throw new ForbiddenError(`error while removing network: network ${network.name} id ${network.id} has active endpoints`);
    }
    if (network.bridge) await removeBridge(network.bridge);
    store.db.transaction(() => store.db.run('DELETE FROM networks WHERE id = ?', network.id));
  });
  return network;
}

/** `network prune`: every user-defined network no container is attached to; their names. */
export async function pruneNetworks(store: Store): Promise<string[]> {
  const removed: string[] = [];
  for (const network of await builtinNetworks(store)) {
    if (isBuiltin(network)) continue;
    try {
      await removeNetwork(store, network.id);
      removed.push(network.name);
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
    }
  }
  return removed;
}
