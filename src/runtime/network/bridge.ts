// The default bridge network of a store: its row (subnet, gateway, interface), the bridge interface itself, and its NAT and forwarding rules.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { crypto } from '../../digest/digest.ts';
import { WharfError } from '../../errors.ts';
import { withFileLock } from '../../store/file-lock.ts';
import type { Store } from '../../store/store.ts';
import { mustRun, runHostCommand, setSysctl } from './host-command.ts';
import { formatCidr, gatewayOf, overlaps, parseCidr, type Subnet } from './ipam.ts';
import { addRules, ensureBaseChains, ownerComment, removeRulesWhere, type Rule, ruleOwners, type RuleSet } from './iptables.ts';

export interface BridgeNetwork {
  name: string;
  id: string;
  bridge: string;
  subnet: string;
  gateway: string;
}

/** Host-wide claims on bridge names, so two data roots on one host never share a bridge and its addresses. */
export const CLAIMS_DIR = '/run/wharf/bridges';
const BRIDGES_LOCK = '/run/wharf/bridges.lock';

/** Docker's pools run 172.17–172.31 upwards; we take them from the top, then podman's 10.88 range, then /24s of 10.200, skipping any in use. */
const CANDIDATE_SUBNETS = [
  ...Array.from({ length: 14 }, (_, index) => `172.${31 - index}.0.0/16`),
  ...Array.from({ length: 12 }, (_, index) => `10.${88 + index}.0.0/16`),
  // then /24s, so a host with many data roots (a test suite, several users) does not run out
  ...Array.from({ length: 256 }, (_, index) => `10.200.${index}.0/24`),
];

/**
 * The comment on a bridge's rules names the bridge and the network row it was made for: a store that takes over a dead
 * store's wharf3 makes rules of its own rather than trusting the dead one's (which a sweep may be removing).
 */
export function bridgeOwner(network: Pick<BridgeNetwork, 'bridge' | 'id'>): string {
  return `wharf-bridge:${network.bridge}@${network.id.slice(0, 12)}`;
}

/** The bridge and network tag of a bridge rule's owner; undefined for other owners. */
export function parseBridgeOwner(owner: string): { bridge: string; network: string } | undefined {
  const match = /^wharf-bridge:([\w-]+)@([0-9a-f]+)$/.exec(owner);
  return match ? { bridge: match[1], network: match[2] } : undefined;
}

/**
 * Claims, creations and removals of bridges (and of wharf's base chains) by all wharf processes on the host take turns:
 * otherwise one process sweeping a dead store's wharf3 removes the rules another has just made for its own new wharf3.
 */
export async function withBridgesLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(BRIDGES_LOCK), { recursive: true, mode: 0o755 });
  return withFileLock(BRIDGES_LOCK, {
    waitMs: 60_000,
    staleMs: 120_000,
    timeoutError: () => new WharfError(`timed out waiting for ${BRIDGES_LOCK}, held by another wharf process`),
  }, work);
}

/**
 * The store's bridge network, created (row, interface, rules) on first use and repaired when a reboot or cleanup took the
 * interface. Call it holding withBridgesLock, with `rules` read under the lock.
 */
export async function ensureBridgeNetwork(store: Store, rules: RuleSet): Promise<BridgeNetwork> {
  let network = recordedBridge(store) ?? (await recordBridge(store));
  if (!(await claimBridge(store, network))) network = await rerecordBridge(store, network);
  await ensureInterface(network);
  await ensureBaseChains(rules);
  if (!(await ruleOwners(rules)).has(bridgeOwner(network))) await addRules(bridgeRules(network));
  return network;
}

export function recordedBridge(store: Store): BridgeNetwork | undefined {
  const row = store.db.get("SELECT name, id, bridge, subnet, gateway FROM networks WHERE name = 'bridge'");
  return row ? (row as unknown as BridgeNetwork) : undefined;
}

export async function recordBridge(store: Store): Promise<BridgeNetwork> {
  await removeDeadBridges();
  const bridge = freeBridgeName();
  const subnet = formatCidr(await freeSubnet());
  const candidate = { name: 'bridge', id: crypto().randomBytes(32).toString('hex'), bridge, subnet, gateway: gatewayOf(parseCidr(subnet)) };
  store.db.transaction(() => {
    store.db.run(
      'INSERT OR IGNORE INTO networks (name, id, driver, bridge, subnet, gateway, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      candidate.name, candidate.id, 'bridge', candidate.bridge, candidate.subnet, candidate.gateway, new Date().toISOString(),
    );
  });
  // another process may have recorded it first: its row wins
  return recordedBridge(store)!;
}

interface Claim {
  root: string;
  subnet: string;
  /** The tag of bridgeOwner: which network row of that root holds the bridge. */
  network: string;
}

export function readClaims(): Map<string, Claim> {
  const claims = new Map<string, Claim>();
  if (!existsSync(CLAIMS_DIR)) return claims;
  for (const name of readdirSync(CLAIMS_DIR)) {
    try {
      claims.set(name, JSON.parse(readFileSync(join(CLAIMS_DIR, name), 'utf8')) as Claim);
    } catch {
      // a claim being written, or garbage: not ours to judge here
    }
  }
  return claims;
}

/** A claim whose data root is gone (a removed test root, a deleted store) no longer holds its bridge. */
export function isLiveClaim(claim: Claim): boolean {
  return existsSync(join(claim.root, 'metadata.db'));
}

/**
 * Bridges of data roots that are gone still hold their subnets' routes; without this, a host that has seen many short-lived
 * roots (a test suite) runs out of pools. A claim is read again just before removal, so one a live store just took is kept.
 */
async function removeDeadBridges(): Promise<void> {
  for (const bridge of readClaims().keys()) {
    const claim = readClaims().get(bridge);
    if (claim && !isLiveClaim(claim)) await removeBridge(bridge);
  }
}

function freeBridgeName(): string {
  const claims = readClaims();
  for (let index = 0; ; index++) {
    const name = `wharf${index}`;
    const claim = claims.get(name);
    if (!claim || !isLiveClaim(claim)) return name;
  }
}

/** Claims the bridge name host-wide (exclusive create); a stale claim's bridge is removed first. False when another live store holds it. */
export async function claimBridge(store: Store, network: BridgeNetwork): Promise<boolean> {
  mkdirSync(CLAIMS_DIR, { recursive: true, mode: 0o755 });
  for (let attempt = 0; attempt < 3; attempt++) {
    const claim = readClaims().get(network.bridge);
    if (claim?.root === store.root) return true;
    if (claim && isLiveClaim(claim)) return false;
    if (claim) await removeBridge(network.bridge);
    try {
      writeFileSync(join(CLAIMS_DIR, network.bridge), JSON.stringify({ root: store.root, subnet: network.subnet, network: network.id.slice(0, 12) } satisfies Claim), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return false;
}

/** Our recorded bridge name went to another store (our claim vanished, theirs came first): move to a free one while nothing is attached. */
async function rerecordBridge(store: Store, network: BridgeNetwork): Promise<BridgeNetwork> {
  const attached = store.db.get("SELECT container_id FROM ip_allocations WHERE network = 'bridge' LIMIT 1");
  if (attached) throw new WharfError(`bridge ${network.bridge} is held by another wharf data root; container ${String(attached.container_id).slice(0, 12)} is still attached to it here`);
  store.db.transaction(() => store.db.run("DELETE FROM networks WHERE name = 'bridge' AND bridge = ?", network.bridge));
  const next = await recordBridge(store);
  if (!(await claimBridge(store, next))) throw new WharfError(`could not claim a bridge interface for ${store.root}`);
  return next;
}

/** A subnet that overlaps no route on the host (docker0's, the LAN's), no other store's claimed bridge and none of `alsoTaken`. */
export async function freeSubnet(alsoTaken: Subnet[] = []): Promise<Subnet> {
  const routes = (await mustRun('ip', ['-4', '-o', 'route', 'show', 'table', 'all']))
    .split('\n')
    .map((line) => /^(?:\w+ )?(\d+\.\d+\.\d+\.\d+(?:\/\d+)?) /.exec(line)?.[1])
    .filter((destination): destination is string => destination !== undefined)
    .map((destination) => parseCidr(destination.includes('/') ? destination : `${destination}/32`));
  const claimed = [...readClaims().values()].filter(isLiveClaim).map((claim) => parseCidr(claim.subnet));
  // Docker's default bridge takes 172.17.0.0/16 even before docker0 exists
  const taken = [...routes, ...claimed, ...alsoTaken, parseCidr('172.17.0.0/16')];
  const subnet = CANDIDATE_SUBNETS.map(parseCidr).find((candidate) => !taken.some((used) => overlaps(candidate, used)));
  if (!subnet) throw new Error('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  return subnet;
}

export async function ensureInterface(network: BridgeNetwork): Promise<void> {
  const prefix = parseCidr(network.subnet).prefix;
  if (isUpWithAddress(network.bridge, network.gateway)) return;
  const added = await runHostCommand('ip', ['link', 'add', network.bridge, 'type', 'bridge']);
  if (added.code !== 0 && !/File exists/.test(added.stderr)) throw new Error(`ip link add ${network.bridge}: ${added.stderr.trim()}`);
  await mustRun('ip', ['addr', 'replace', `${network.gateway}/${prefix}`, 'dev', network.bridge]);
  await mustRun('ip', ['link', 'set', network.bridge, 'up']);
  await setSysctl('net.ipv4.ip_forward', '1');
  // lets packets DNAT'd from 127.0.0.1 leave through the bridge (a connection to a published port from the host itself)
  await setSysctl(`net.ipv4.conf.${network.bridge}.route_localnet`, '1');
}

/** Read from the kernel without a subprocess: IFF_UP in the interface's flags, and its IPv4 addresses. */
function isUpWithAddress(bridge: string, gateway: string): boolean {
  try {
    const flags = Number.parseInt(readFileSync(`/sys/class/net/${bridge}/flags`, 'utf8'), 16);
    return (flags & 1) === 1 && (networkInterfaces()[bridge] ?? []).some((address) => address.address === gateway);
  } catch {
    return false;
  }
}

export function bridgeRules(network: BridgeNetwork): Parameters<typeof addRules>[0] {
  const tag = ownerComment(bridgeOwner(network));
  const bridge = network.bridge;
  return [
    { table: 'nat', chain: 'WHARF-POSTROUTING', spec: `-s ${network.subnet} ! -o ${bridge} ${tag} -j MASQUERADE` },
    { table: 'nat', chain: 'WHARF-POSTROUTING', spec: `-o ${bridge} -m addrtype --src-type LOCAL ${tag} -j MASQUERADE` },
    { table: 'filter', chain: 'WHARF-FORWARD', spec: `-i ${bridge} ${tag} -j ACCEPT` },
    { table: 'filter', chain: 'WHARF-FORWARD', spec: `-o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED ${tag} -j ACCEPT` },
  ];
}

/** Removes a bridge interface, its rules and its claim (for a store that is gone). */
export async function removeBridge(bridge: string): Promise<void> {
  await runHostCommand('ip', ['link', 'del', bridge, 'type', 'bridge']);
  await removeRulesWhere((owner) => parseBridgeOwner(owner)?.bridge === bridge);
  rmSync(join(CLAIMS_DIR, bridge), { force: true });
}

/**
 * A user-defined network's bridge (`br-<id>`), made at `network create` and repaired at attach after a reboot: claimed
 * host-wide like the default one (so the sweep removes it with its store), its NAT and forwarding rules, and Docker's
 * isolation: nothing forwarded between it and another wharf or br- bridge. Call it holding withBridgesLock.
 */
export async function ensureUserBridge(store: Store, network: BridgeNetwork, rules: RuleSet): Promise<void> {
  if (!(await claimBridge(store, network))) throw new WharfError(`bridge ${network.bridge} of network ${network.name} is held by another wharf data root`);
  await ensureInterface(network);
  await ensureBaseChains(rules);
  if (!(await ruleOwners(rules)).has(bridgeOwner(network))) await addRules([...isolationRules(network), ...bridgeRules(network)]);
}

/** Ahead of every bridge's accepts: its own traffic passes (br_netfilter sends it through FORWARD), any to or from another bridge is dropped. */
function isolationRules(network: BridgeNetwork): Rule[] {
  const tag = ownerComment(bridgeOwner(network));
  const bridge = network.bridge;
  return [
    { table: 'filter', chain: 'WHARF-FORWARD', spec: `-i ${bridge} -o ${bridge} ${tag} -j ACCEPT`, insert: true },
    { table: 'filter', chain: 'WHARF-FORWARD', spec: `-i ${bridge} -o br-+ ${tag} -j DROP`, insert: true },
    { table: 'filter', chain: 'WHARF-FORWARD', spec: `-i ${bridge} -o wharf+ ${tag} -j DROP`, insert: true },
    { table: 'filter', chain: 'WHARF-FORWARD', spec: `-i br-+ -o ${bridge} ${tag} -j DROP`, insert: true },
    { table: 'filter', chain: 'WHARF-FORWARD', spec: `-i wharf+ -o ${bridge} ${tag} -j DROP`, insert: true },
  ];
}
