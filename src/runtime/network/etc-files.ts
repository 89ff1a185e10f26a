// The /etc/hosts, /etc/hostname and /etc/resolv.conf a container gets, written as Docker (libnetwork) writes them.
import { existsSync, readFileSync } from 'node:fs';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-write.ts';

export interface EtcFiles {
  hosts: string;
  hostname: string;
  resolvConf: string;
}

/** libnetwork's etchosts defaultContent, in its order. */
const DEFAULT_HOSTS = [
  ['127.0.0.1', 'localhost'],
  ['::1', 'localhost ip6-localhost ip6-loopback'],
  ['fe00::0', 'ip6-localnet'],
  ['ff00::0', 'ip6-mcastprefix'],
  ['ff02::1', 'ip6-allnodes'],
  ['ff02::2', 'ip6-allrouters'],
];

export function hostsContent(options: { ipAddress?: string; hostname: string }): string {
  const entries = options.ipAddress ? [...DEFAULT_HOSTS, [options.ipAddress, options.hostname]] : DEFAULT_HOSTS;
  return entries.map(([address, names]) => `${address}\t${names}\n`).join('');
}

const LOCALHOST_NAMESERVER = /^nameserver\s+((127\.([0-9]{1,3}\.){2}[0-9]{1,3})|(::1)$)\s*\n*/gm;
const IPV6_NAMESERVER = /^nameserver\s+([0-9A-Fa-f]{0,4}:){2,7}([0-9A-Fa-f]{0,4})(%\w+)?\s*\n*/gm;
const NAMESERVER = /^\s*nameserver\s+(\S+)/gm;

/**
 * libnetwork's FilterResolvDNS: loopback nameservers (and, without IPv6, IPv6 ones) are removed, since the
 * container cannot reach the host's; with none left, Google's public servers are appended.
 */
export function filterResolvConf(hostResolvConf: string): string {
  let cleaned = hostResolvConf.replace(LOCALHOST_NAMESERVER, '').replace(IPV6_NAMESERVER, '');
  if ([...cleaned.matchAll(NAMESERVER)].length === 0) cleaned += '\nnameserver 8.8.8.8\nnameserver 8.8.4.4';
  return cleaned;
}

/** The host's resolv.conf; behind systemd-resolved's stub (127.0.0.53) Docker reads the real upstream list instead. */
export function hostResolvConf(): string {
  const main = readOr('/etc/resolv.conf', '');
  const upstream = '/run/systemd/resolve/resolv.conf';
  const onlyStub = /nameserver\s+127\.0\.0\.53/.test(main) && [...main.matchAll(NAMESERVER)].length === 1;
  return onlyStub && existsSync(upstream) ? readOr(upstream, main) : main;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Writes the three files into the container's directory. With the host's network the container sees the host's
 * own /etc/hosts and resolv.conf, as Docker gives it; otherwise its own hosts file and the filtered resolv.conf.
 */
export function writeEtcFiles(containerDir: string, options: { mode: 'bridge' | 'host' | 'none'; hostname: string; ipAddress?: string }): EtcFiles {
  const files = { hosts: join(containerDir, 'hosts'), hostname: join(containerDir, 'hostname'), resolvConf: join(containerDir, 'resolv.conf') };
  const hostMode = options.mode === 'host';
  const hosts = hostMode ? readOr('/etc/hosts', hostsContent({ hostname: options.hostname })) : hostsContent(options);
  writeFileAtomically(files.hosts, hosts);
  writeFileAtomically(files.hostname, `${hostMode ? hostHostname() : options.hostname}\n`);
  writeFileAtomically(files.resolvConf, hostMode ? hostResolvConf() : filterResolvConf(hostResolvConf()));
  return files;
}
