// Finds a container's ID from a name or ID prefix for the network commands: its directory under <root>/containers, or the containers table when there is one.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';

export function resolveContainerId(store: Store, reference: string): string {
  const byName = tableLookup(store, 'SELECT id FROM containers WHERE id = ? OR name = ? OR name = ?', reference, reference, reference.replace(/^\//, ''));
  if (byName) return byName;
  const byPrefix = /^[0-9a-f]+$/.test(reference) ? tableLookup(store, "SELECT id FROM containers WHERE id LIKE ? || '%' LIMIT 1", reference) : undefined;
  if (byPrefix) return byPrefix;
  const dir = join(store.root, 'containers');
  const ids = existsSync(dir) ? readdirSync(dir).filter((id) => /^[0-9a-f]{64}$/.test(id)) : [];
  const matching = /^[0-9a-f]+$/.test(reference) ? ids.filter((id) => id.startsWith(reference)) : [];
  if (matching.length === 1) return matching[0];
  throw new NotFoundError(`No such container: ${reference}`);
}

/** The container's name without Docker's leading slash, or '' when the store has no containers table yet. */
export function containerName(store: Store, containerId: string): string {
  return (tableLookup(store, 'SELECT name FROM containers WHERE id = ?', containerId) ?? '').replace(/^\//, '');
}

/** The container's aliases on a network: its settings' `aliases` on its primary one (HostConfig.NetworkMode), `extraNetworks` on the others. */
export function containerAliases(store: Store, containerId: string, network: string): string[] {
  const settings = tableLookup(store, 'SELECT settings FROM containers WHERE id = ?', containerId);
  if (!settings) return [];
  try {
    const parsed = JSON.parse(settings) as { aliases?: unknown; hostConfig?: { NetworkMode?: string }; extraNetworks?: Record<string, { aliases?: unknown }> };
    const mode = parsed.hostConfig?.NetworkMode;
    const primary = mode === 'default' ? 'bridge' : mode;
    const aliases = primary === network ? parsed.aliases : parsed.extraNetworks?.[network]?.aliases;
    return Array.isArray(aliases) ? aliases.filter((alias): alias is string => typeof alias === 'string' && alias !== '') : [];
  } catch {
    return [];
  }
}

function tableLookup(store: Store, sql: string, ...params: string[]): string | undefined {
  try {
    const row = store.db.get(sql, ...params);
    return row ? String(Object.values(row)[0]) : undefined;
  } catch {
    // the container core's table is not there (yet): directories are all we know
    return undefined;
  }
}
