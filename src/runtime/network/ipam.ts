// IPv4 address management: subnet arithmetic, and allocations recorded in SQLite so concurrent wharf processes never hand out one address twice.
import { WharfError } from '../../errors.ts';
import { recordEvent } from '../../events/event-log.ts';
import type { Store } from '../../store/store.ts';

export interface Subnet {
  /** The network address as a 32-bit number. */
  base: number;
  prefix: number;
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

export function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function parseCidr(cidr: string): Subnet {
  const [ip, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  return { base: Math.floor(ipToNumber(ip) / size) * size, prefix: Number(prefix) };
}

export function formatCidr(subnet: Subnet): string {
  return `${numberToIp(subnet.base)}/${subnet.prefix}`;
}

export function subnetSize(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefix);
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + subnetSize(b) && b.base < a.base + subnetSize(a);
}

/** The gateway takes the first host address, as Docker's bridge does. */
export function gatewayOf(subnet: Subnet): string {
  return numberToIp(subnet.base + 1);
}

/**
 * Takes the lowest free host address of the network for the container, in one write transaction with dockerd's
 * `connect` event: BEGIN IMMEDIATE serialises this against every other wharf process on the same store.
 */
export function allocateAddress(store: Store, network: { name: string; id: string; subnet: string; gateway: string }, containerId: string): string {
  const subnet = parseCidr(network.subnet);
  return store.db.transaction(() => {
    const existing = store.db.get('SELECT address FROM ip_allocations WHERE network = ? AND container_id = ?', network.name, containerId);
    if (existing) return String(existing.address);
    const taken = new Set(store.db.all('SELECT address FROM ip_allocations WHERE network = ?', network.name).map((row) => String(row.address)));
    taken.add(network.gateway);
    const last = subnet.base + subnetSize(subnet) - 1;
    for (let candidate = subnet.base + 1; candidate < last; candidate++) {
      const address = numberToIp(candidate);
      if (taken.has(address)) continue;
      store.db.run('INSERT INTO ip_allocations (network, address, container_id) VALUES (?, ?, ?)', network.name, address, containerId);
      networkEvent(store, 'connect', { ...network, driver: 'bridge' }, containerId);
      return address;
    }
    throw new WharfError(`no available IPv4 addresses on this network's address pools: ${network.name}`);
  });
}

/** Gives the container's addresses back (on one network, or on all), with dockerd's `disconnect` event from each network it held one on. */
export function releaseAddresses(store: Store, containerId: string, network?: string): void {
  const where = network === undefined ? 'container_id = ?' : 'container_id = ? AND network = ?';
  const params = network === undefined ? [containerId] : [containerId, network];
  store.db.transaction(() => {
    const held = store.db.all(`SELECT n.name, n.id, n.driver FROM ip_allocations a JOIN networks n ON n.name = a.network WHERE a.${where.replace(' AND ', ' AND a.')}`, ...params);
    store.db.run(`DELETE FROM ip_allocations WHERE ${where}`, ...params);
    for (const row of held) networkEvent(store, 'disconnect', { name: String(row.name), id: String(row.id), driver: String(row.driver) }, containerId);
  });
}

/** dockerd's network events: the network's ID as actor. */
function networkEvent(store: Store, action: string, network: { name: string; id: string; driver: string }, containerId: string): void {
  recordEvent(store, 'network', action, network.id, { container: containerId, name: network.name, type: network.driver });
}
