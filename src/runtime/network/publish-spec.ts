// Parses Docker's `-p` syntax ([ip:][hostPort:]containerPort[/proto], with ranges) and EXPOSE'd port keys, with go-connections' error texts.
import { isIP } from 'node:net';
import { UsageError } from '../../cli/usage-error.ts';

export type Protocol = 'tcp' | 'udp';

export interface PortSpec {
  hostIp?: string;
  hostPort?: number;
  /** With `-p 8000-8010:80`: the host port is any free one from hostPort to hostPortEnd. */
  hostPortEnd?: number;
  containerPort: number;
  protocol: Protocol;
}

interface PortRange {
  start: number;
  end: number;
}

export function parsePublish(spec: string): PortSpec[] {
  const { ip, hostPort, containerPort: rawContainer } = splitParts(spec);
  const { proto, port: containerPort } = splitProtoPort(rawContainer);
  const hostIp = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (hostIp !== '' && isIP(hostIp) === 0) throw new UsageError(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new UsageError(`no port specified: ${spec}<empty>`);
  const container = parseRange(containerPort);
  if (!container) throw new UsageError(`invalid containerPort: ${containerPort}`);
  const host = hostPort === '' ? undefined : parseRange(hostPort);
  if (hostPort !== '' && !host) throw new UsageError(`invalid hostPort: ${hostPort}`);
  const protocol = proto.toLowerCase();
  if (host && host.end - host.start !== container.end - container.start && container.end !== container.start) {
    throw new UsageError(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  if (protocol !== 'tcp' && protocol !== 'udp') throw new UsageError(`invalid proto: ${proto}`);
  const specs: PortSpec[] = [];
  for (let port = container.start; port <= container.end; port++) {
    const spec: PortSpec = { containerPort: port, protocol };
    if (hostIp) spec.hostIp = hostIp;
    if (host && container.start === container.end && host.start !== host.end) Object.assign(spec, { hostPort: host.start, hostPortEnd: host.end });
    else if (host && host.start !== 0) spec.hostPort = host.start + (port - container.start);
    specs.push(spec);
  }
  return specs;
}

/** An image's ExposedPorts key or `--expose` value: `80`, `80/udp`, `8000-8002/tcp`. */
export function parseExposed(key: string): Array<{ containerPort: number; protocol: Protocol }> {
  const { proto, port } = splitProtoPort(key);
  const range = parseRange(port);
  if (!range) throw new UsageError(`invalid range format for --expose: ${key}, error: invalid port ${port}`);
  const protocol = proto.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') throw new UsageError(`invalid proto: ${proto}`);
  const ports = [];
  for (let containerPort = range.start; containerPort <= range.end; containerPort++) ports.push({ containerPort, protocol: protocol as Protocol });
  return ports;
}

/** go-connections' splitParts: the last part is the container port, the one before the host port, the rest the IP. */
function splitParts(raw: string): { ip: string; hostPort: string; containerPort: string } {
  const parts = raw.split(':');
  const n = parts.length;
  const containerPort = parts[n - 1];
  if (n === 1) return { ip: '', hostPort: '', containerPort };
  if (n === 2) return { ip: '', hostPort: parts[0], containerPort };
  return { ip: parts.slice(0, n - 2).join(':'), hostPort: parts[n - 2], containerPort };
}

function splitProtoPort(raw: string): { proto: string; port: string } {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return { proto: '', port: '' };
  if (parts.length === 1 || parts[1] === '') return { proto: 'tcp', port: parts[0] };
  return { proto: parts[1], port: parts[0] };
}

function parseRange(raw: string): PortRange | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(raw);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start > 65535 || end > 65535 || end < start) return undefined;
  return { start, end };
}
