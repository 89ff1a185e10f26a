// Name resolution on user-defined networks: each attached container's /etc/hosts lists its own addresses, then the others
// on each of its user-defined networks by name, short ID and aliases there (a compose service's name), rewritten for
// all of them whenever one attaches, connects, disconnects or detaches.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WharfError } from '../../errors.ts';
import { withFileLock } from '../../store/file-lock.ts';
import type { Store } from '../../store/store.ts';
import { readAttachmentState } from './attachment-state.ts';
import { containerAliases, containerName } from './container-names.ts';
import { hostsContent } from './etc-files.ts';

interface Allocation {
  network: string;
  id: string;
  address: string;
}

/** The containers holding an address on the network. */
export function membersOf(store: Store, network: string): string[] {
  return store.db.all('SELECT container_id FROM ip_allocations WHERE network = ?', network).map((row) => String(row.container_id));
}

/**
 * Rewrites these containers' hosts files, under a per-store lock so two containers attaching at once cannot leave one's
 * file without the other. The file is bind-mounted into a running container: its content is replaced in place (same
 * inode), never renamed over.
 */
export async function refreshHosts(store: Store, containerIds: string[]): Promise<void> {
  const lock = join(store.root, 'network-hosts.lock');
  await withFileLock(lock, { waitMs: 30_000, staleMs: 60_000, timeoutError: () => new WharfError(`timed out waiting for ${lock}`) }, async () => {
    const allocations = store.db.all('SELECT network, container_id, address FROM ip_allocations ORDER BY address')
      .map((row) => ({ network: String(row.network), id: String(row.container_id), address: String(row.address) }));
    for (const id of new Set(containerIds)) {
      const dir = join(store.root, 'containers', id);
      if (existsSync(join(dir, 'hosts'))) writeFileSync(join(dir, 'hosts'), hostsOf(store, dir, id, allocations));
    }
  });
}

/** libnetwork's file with the container's primary address, then its others, then its peers on each user-defined network. */
function hostsOf(store: Store, dir: string, id: string, allocations: Allocation[]): string {
  const hostname = readOr(join(dir, 'hostname'), id.slice(0, 12)).trim();
  const primary = readAttachmentState(dir).ipAddress;
  const own = allocations.filter((allocation) => allocation.id === id).sort((a, b) => Number(b.address === primary) - Number(a.address === primary));
  const lines = new Set(own.slice(1).map((allocation) => `${allocation.address}\t${hostname}\n`));
  for (const network of own.map((allocation) => allocation.network).filter((network) => network !== 'bridge')) {
    for (const peer of allocations.filter((allocation) => allocation.network === network && allocation.id !== id)) {
      const names = new Set([containerName(store, peer.id), peer.id.slice(0, 12), ...containerAliases(store, peer.id, network)].filter(Boolean));
      lines.add(`${peer.address}\t${[...names].join(' ')}\n`);
    }
  }
  return hostsContent({ ipAddress: own[0]?.address, hostname }) + [...lines].join('');
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
