// Removes what crashes left: namespaces, veths and rules of containers no live store knows, allocations of removed containers, bridges of removed stores.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/store.ts';
import { isLiveClaim, parseBridgeOwner, readClaims, removeBridge, withBridgesLock } from './bridge.ts';
import { runHostCommand } from './host-command.ts';
import { releaseAddresses } from './ipam.ts';
import { removeBaseChains, removeRulesWhere, ruleOwners } from './iptables.ts';
import { NETNS_DIR, removeNetnsAndVeth } from './netns.ts';
import { releasePorts } from './ports.ts';

/** Every store that ever attached a container registers here, so a cleanup in one store never takes another's namespaces. */
const ROOTS_DIR = '/run/wharf/roots';

/** Named by the root directory's device and inode: unique while it lives, and no hash (node:crypto) to load for it. */
export function registerStoreRoot(store: Store): void {
  const { dev, ino } = statSync(store.root);
  const file = join(ROOTS_DIR, `${dev}-${ino}`);
  // a removed root's inode may have been reused: the name alone does not prove this root is the one registered
  if (existsSync(file) && readFileSync(file, 'utf8') === store.root) return;
  mkdirSync(ROOTS_DIR, { recursive: true, mode: 0o755 });
  writeFileSync(file, store.root);
}

function liveRoots(): string[] {
  if (!existsSync(ROOTS_DIR)) return [];
  const roots: string[] = [];
  for (const name of readdirSync(ROOTS_DIR)) {
    const root = readFileSync(join(ROOTS_DIR, name), 'utf8');
    if (existsSync(join(root, 'metadata.db'))) roots.push(root);
    else rmSync(join(ROOTS_DIR, name), { force: true });
  }
  return roots;
}

export interface NetworkCleanupReport {
  namespaces: string[];
  ruleOwners: string[];
  bridges: string[];
}

/**
 * `wharf system prune`'s network half. A container is known when some live store has its directory
 * (`<root>/containers/<id>`); everything of an unknown one goes, but never a namespace a process still runs in.
 */
export async function cleanupStaleNetworks(store: Store): Promise<NetworkCleanupReport> {
  releaseUnknownAllocations(store, knownIn([store.root, ...liveRoots()]));
  return sweepHost({ alsoLive: [store.root] });
}

function knownIn(roots: string[]): (containerId: string) => boolean {
  return (containerId) => roots.some((root) => existsSync(join(root, 'containers', containerId)));
}

/** The host-wide half, needing no store: what no live store knows goes; our chains too once nothing uses them. */
export async function sweepHost(options: { alsoLive?: string[] } = {}): Promise<NetworkCleanupReport> {
  const known = knownIn([...new Set([...(options.alsoLive ?? []), ...liveRoots()])]);
  const namespaces: string[] = [];
  for (const name of existsSync(NETNS_DIR) ? readdirSync(NETNS_DIR) : []) {
    const containerId = /^wharf-([0-9a-f]+)$/.exec(name)?.[1];
    if (!containerId || known(containerId) || (await hasProcesses(name))) continue;
    await removeNetnsAndVeth(containerId);
    namespaces.push(name);
  }
  return withBridgesLock(async () => {
    const staleOwners = [...(await ruleOwners())].filter((owner) => isStaleOwner(owner, known));
    await removeRulesWhere((owner) => staleOwners.includes(owner));
    const bridges = await removeBridgesOfDeadStores();
    if (readClaims().size === 0 && (await ruleOwners()).size === 0) await removeBaseChains();
    return { namespaces, ruleOwners: staleOwners, bridges };
  });
}

function releaseUnknownAllocations(store: Store, known: (containerId: string) => boolean): void {
  const holders = store.db.all('SELECT container_id FROM ip_allocations UNION SELECT container_id FROM port_allocations');
  for (const row of holders) {
    const containerId = String(row.container_id);
    if (known(containerId)) continue;
    releasePorts(store, containerId);
    releaseAddresses(store, containerId);
  }
}

function isStaleOwner(owner: string, known: (containerId: string) => boolean): boolean {
  const container = /^wharf:([0-9a-f]+)$/.exec(owner)?.[1];
  if (container) return !known(container);
  const bridge = parseBridgeOwner(owner);
  if (!bridge) return /^wharf-bridge:/.test(owner);
  const claim = readClaims().get(bridge.bridge);
  return !claim || !isLiveClaim(claim) || claim.network !== bridge.network;
}

async function removeBridgesOfDeadStores(): Promise<string[]> {
  const removed: string[] = [];
  for (const [bridge, claim] of readClaims()) {
    if (isLiveClaim(claim)) continue;
    await removeBridge(bridge);
    removed.push(bridge);
  }
  return removed;
}

async function hasProcesses(netns: string): Promise<boolean> {
  return (await runHostCommand('ip', ['netns', 'pids', netns])).stdout.trim() !== '';
}
