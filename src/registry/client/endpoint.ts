// Which URL and TLS settings reach a registry: Docker Hub's API host, insecure registries (loopback by default), certs.d.
import net from 'node:net';
import path from 'node:path';
import type { TlsSettings } from './http-transport.ts';
import type { RegistryConfig } from './registry-config.ts';

export interface Endpoint {
  /** The host as references name it (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  /** `https://registry-1.docker.io`; an insecure registry that fails TLS is retried over `http://`. */
  baseUrl: URL;
  tls: TlsSettings;
  /** May fall back to plain HTTP when TLS fails. */
  insecure: boolean;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';

export function endpointFor(registry: string, config: RegistryConfig): Endpoint {
  const host = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
  const insecure = isInsecure(registry, config.insecureRegistries);
  return { registry, baseUrl: new URL(`https://${host}`), tls: { ...readCertsDir(registry, config.certsDirs), verify: !insecure }, insecure };
}

/** Docker Hub's mirrors, as endpoints, in the configured order; other registries have none. */
export function mirrorEndpoints(registry: string, config: RegistryConfig): Endpoint[] {
  if (registry !== DOCKER_HUB) return [];
  return config.mirrors.map((mirror) => {
    const url = new URL(mirror);
    const insecure = url.protocol === 'http:' || isInsecure(url.host, config.insecureRegistries);
    return { registry, baseUrl: new URL(url.origin), tls: { ...readCertsDir(url.host, config.certsDirs), verify: !insecure }, insecure };
  });
}

/** Loopback is always insecure, as in Docker; otherwise the host or one of the CIDRs must be listed. */
export function isInsecure(registry: string, insecureRegistries: string[]): boolean {
  const host = hostOf(registry);
  if (host === 'localhost' || isLoopback(host)) return true;
  return insecureRegistries.some((entry) => entry === registry || entry === host || inCidr(host, entry));
}

function hostOf(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon > 0 ? registry.slice(0, colon) : registry;
}

function isLoopback(host: string): boolean {
  return (net.isIPv4(host) && host.startsWith('127.')) || host === '::1';
}

function inCidr(host: string, cidr: string): boolean {
  const [network, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!bitsText || !net.isIPv4(host) || !net.isIPv4(network) || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipv4Number(host) & mask) >>> 0) === ((ipv4Number(network) & mask) >>> 0);
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((value, octet) => ((value << 8) | Number(octet)) >>> 0, 0);
}

/** Docker's certs.d layout: `*.crt` are CAs, `client.cert` + `client.key` a client certificate. */
function readCertsDir(registry: string, certsDirs: string[]): Omit<TlsSettings, 'verify'> {
  const fs = process.getBuiltinModule('node:fs');
  for (const base of certsDirs) {
    const dir = path.join(base, registry);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (error) {
      // No directory for this registry here: look in the next place; anything else (permissions) is the user's to see.
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) continue;
      throw error;
    }
    const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
    const ca = names.filter((name) => name.endsWith('.crt')).sort().map(read);
    const certName = names.find((name) => name.endsWith('.cert'));
    const keyName = certName && names.find((name) => name === certName.replace(/\.cert$/, '.key'));
    return { ca, cert: certName && keyName ? read(certName) : undefined, key: certName && keyName ? read(keyName) : undefined };
  }
  return {};
}
