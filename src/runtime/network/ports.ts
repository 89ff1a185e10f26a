// Host ports for published container ports: fixed or random, never given twice (SQLite for this store, our DNAT rules for other stores, a bind probe for other programs).
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, isIPv6 } from 'node:net';
import { WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import type { Protocol, PortSpec } from './publish-spec.ts';

export interface PublishedPort extends PortSpec {
  hostIp: string;
  hostPort: number;
}

/** Docker's words for a port taken, prefixed with the endpoint when the caller named the container. */
export class PortInUseError extends WharfError {
  constructor(detail: string, endpoint?: string) {
    super(endpoint ? `driver failed programming external connectivity on endpoint ${endpoint}: ${detail}` : detail, { exitCode: 125 });
  }
}

interface Taken {
  hostIp: string;
  hostPort: number;
  protocol: string;
}

/** Allocates every requested port for the container or none: on any failure its allocations are released. */
export async function allocatePorts(store: Store, containerId: string, specs: PortSpec[], options: { natRules: string[]; endpoint?: string }): Promise<PublishedPort[]> {
  const { endpoint } = options;
  const elsewhere = portsInOtherStores(containerId, options.natRules);
  const published: PublishedPort[] = [];
  try {
    for (const spec of specs) published.push(await allocateOne(store, containerId, spec, elsewhere, endpoint));
  } catch (error) {
    releasePorts(store, containerId);
    throw error;
  }
  return published;
}

export function releasePorts(store: Store, containerId: string): void {
  store.db.transaction(() => store.db.run('DELETE FROM port_allocations WHERE container_id = ?', containerId));
}

export function portsOf(store: Store, containerId: string): PublishedPort[] {
  return store.db
    .all('SELECT host_ip, host_port, protocol, container_port FROM port_allocations WHERE container_id = ? ORDER BY container_port, protocol, host_ip', containerId)
    .map((row) => ({ hostIp: String(row.host_ip), hostPort: Number(row.host_port), containerPort: Number(row.container_port), protocol: row.protocol as Protocol }));
}

async function allocateOne(store: Store, containerId: string, spec: PortSpec, elsewhere: Taken[], endpoint?: string): Promise<PublishedPort> {
  const hostIp = spec.hostIp ?? '0.0.0.0';
  if (isIPv6(hostIp)) throw new WharfError(`publishing on an IPv6 address is not supported: ${hostIp}`, { exitCode: 125 });
  const fixed = spec.hostPort !== undefined && spec.hostPortEnd === undefined;
  const [first, last] = fixed ? [spec.hostPort!, spec.hostPort!] : spec.hostPortEnd !== undefined ? [spec.hostPort!, spec.hostPortEnd] : ephemeralRange();
  for (let hostPort = first; hostPort <= last; hostPort++) {
    const port: PublishedPort = { ...spec, hostIp, hostPort };
    delete port.hostPortEnd;
    const clash = elsewhere.some((taken) => conflicts(taken, port));
    const probe = clash ? undefined : await bindProbe(port);
    if (!clash && probe === undefined && record(store, containerId, port)) return port;
    if (fixed && probe) throw new PortInUseError(`Error starting userland proxy: listen ${spec.protocol}4 ${hostIp}:${hostPort}: bind: ${probe}`, endpoint);
    if (fixed) throw new PortInUseError(`Bind for ${hostIp}:${hostPort} failed: port is already allocated`, endpoint);
  }
  throw new PortInUseError(`Bind for ${hostIp}:${first}-${last} failed: port is already allocated`, endpoint);
}

/** Inserts the allocation unless a conflicting one exists, in one transaction: two processes never both win. */
function record(store: Store, containerId: string, port: PublishedPort): boolean {
  return store.db.transaction(() => {
    const clash = store.db.get(
      "SELECT 1 FROM port_allocations WHERE host_port = ? AND protocol = ? AND (host_ip = ? OR host_ip = '0.0.0.0' OR ? = '0.0.0.0')",
      port.hostPort, port.protocol, port.hostIp, port.hostIp,
    );
    if (clash) return false;
    store.db.run(
      'INSERT INTO port_allocations (host_ip, host_port, protocol, container_id, container_port) VALUES (?, ?, ?, ?, ?)',
      port.hostIp, port.hostPort, port.protocol, containerId, port.containerPort,
    );
    return true;
  });
}

function conflicts(taken: Taken, port: PublishedPort): boolean {
  return taken.hostPort === port.hostPort && taken.protocol === port.protocol && (taken.hostIp === port.hostIp || taken.hostIp === '0.0.0.0' || port.hostIp === '0.0.0.0');
}

/** Ports other stores on this host publish: our DNAT rules name them, whichever store made them. */
function portsInOtherStores(containerId: string, natRules: string[]): Taken[] {
  const taken: Taken[] = [];
  for (const line of natRules) {
    if (!line.startsWith('-A WHARF ') || line.includes(`wharf:${containerId}`)) continue;
    const match = /(?:-d (\S+?)(?:\/32)? )?-p (tcp|udp) .*--dport (\d+)/.exec(line);
    if (match) taken.push({ hostIp: match[1] ?? '0.0.0.0', protocol: match[2], hostPort: Number(match[3]) });
  }
  return taken;
}

/** Binds the port for a moment: a program already listening there makes the mapping a lie, as Docker's userland proxy would find. */
function bindProbe(port: PublishedPort): Promise<string | undefined> {
  return new Promise((resolve) => {
    const fail = (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE' ? 'address already in use' : error.code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : undefined);
    if (port.protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', fail);
      socket.bind(port.hostPort, port.hostIp, () => socket.close(() => resolve(undefined)));
      return;
    }
    const server = createServer();
    server.once('error', fail);
    server.listen({ port: port.hostPort, host: port.hostIp, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux procfs: Docker's own defaults
  }
  return [32768, 60999];
}
