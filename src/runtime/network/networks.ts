// The built-in networks (bridge, host, none) as `network ls` (and its filters) and `network inspect` show them, in Docker's shapes.
import { crypto } from '../../digest/digest.ts';
import { InvalidArgumentError, NotFoundError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { recordBridge, recordedBridge } from './bridge.ts';
import { macFor } from './netns.ts';
import { parseCidr } from './ipam.ts';

export interface NetworkRecord {
  name: string;
  id: string;
  driver: string;
  bridge: string | null;
  subnet: string | null;
  gateway: string | null;
  created: string;
}

/** Records the three built-in networks on first use; the bridge's interface is only made when a container attaches. */
export async function builtinNetworks(store: Store): Promise<NetworkRecord[]> {
  if (!recordedBridge(store)) await recordBridge(store);
  store.db.transaction(() => {
    for (const [name, driver] of [['host', 'host'], ['none', 'null']]) {
      store.db.run('INSERT OR IGNORE INTO networks (name, id, driver, created) VALUES (?, ?, ?, ?)', name, crypto().randomBytes(32).toString('hex'), driver, new Date().toISOString());
    }
  });
  return store.db.all('SELECT name, id, driver, bridge, subnet, gateway, created FROM networks ORDER BY name') as unknown as NetworkRecord[];
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
  // every network wharf has is a local, built-in one
  return value === (key === 'scope' ? 'local' : 'builtin');
}

/** dockerd's network inspect document. */
export function inspectNetwork(store: Store, network: NetworkRecord, containerName: (id: string) => string): Record<string, unknown> {
  const isBridge = network.driver === 'bridge';
  const prefix = network.subnet ? parseCidr(network.subnet).prefix : 0;
  const containers = isBridge
    ? Object.fromEntries(store.db.all("SELECT container_id, address FROM ip_allocations WHERE network = 'bridge' ORDER BY address").map((row) => [
        String(row.container_id),
        { Name: containerName(String(row.container_id)), EndpointID: String(row.container_id), MacAddress: macFor(String(row.address)), IPv4Address: `${String(row.address)}/${prefix}`, IPv6Address: '' },
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
    Options: isBridge ? bridgeOptions(network.bridge ?? '') : {},
    Labels: {},
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
