// Name resolution on user-defined networks: each attached container's /etc/hosts lists the others on its network by
// name, short ID and aliases (a compose service's name), rewritten for all of them whenever one attaches or detaches.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WharfError } from '../../errors.ts';
import { withFileLock } from '../../store/file-lock.ts';
import type { Store } from '../../store/store.ts';
import { containerAliases, containerName } from './container-names.ts';
import { hostsContent } from './etc-files.ts';

/**
 * Rewrites the hosts file of every container holding an address on the network, under a per-store lock so two
 * containers attaching at once cannot leave one's file without the other. The file is bind-mounted into a running
 * container: its content is replaced in place (same inode), never renamed over.
 */
export async function refreshPeerHosts(store: Store, network: string): Promise<void> {
  const lock = join(store.root, 'network-hosts.lock');
  await withFileLock(lock, { waitMs: 30_000, staleMs: 60_000, timeoutError: () => new WharfError(`timed out waiting for ${lock}`) }, async () => {
    const members = store.db.all('SELECT container_id, address FROM ip_allocations WHERE network = ? ORDER BY address', network)
      .map((row) => ({ id: String(row.container_id), address: String(row.address) }));
    const lines = new Map(members.map((member) => {
      const name = containerName(store, member.id);
      const names = new Set([name, member.id.slice(0, 12), ...containerAliases(store, member.id)].filter(Boolean));
      return [member.id, `${member.address}\t${[...names].join(' ')}\n`];
    }));
    for (const member of members) {
      const dir = join(store.root, 'containers', member.id);
      const hosts = join(dir, 'hosts');
      if (!existsSync(hosts)) continue;
      const hostname = readOr(join(dir, 'hostname'), member.id.slice(0, 12)).trim();
      const peers = members.filter((other) => other.id !== member.id).map((other) => lines.get(other.id)).join('');
      writeFileSync(hosts, hostsContent({ ipAddress: member.address, hostname }) + peers);
    }
  });
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
