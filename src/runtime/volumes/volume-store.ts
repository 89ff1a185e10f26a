// Named and anonymous volumes: a directory <root>/volumes/<name>/_data and a row, created, listed, removed and pruned with Docker's rules and texts.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crypto } from '../../digest/digest.ts';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../errors.ts';
import { recordEvent } from '../../events/event-log.ts';
import type { Store } from '../../store/store.ts';

export interface Volume {
  name: string;
  driver: string;
  labels: Record<string, string> | null;
  options: Record<string, string> | null;
  anonymous: boolean;
  created: string;
  mountpoint: string;
}

/** Docker's inspect shape, keys in Docker's order. */
export interface VolumeInspect {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
}

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function volumesDir(store: Store): string {
  return join(store.root, 'volumes');
}

export function mountpointOf(store: Store, name: string): string {
  return join(volumesDir(store), name, '_data');
}

export function isValidVolumeName(name: string): boolean {
  return VALID_NAME.test(name);
}

export interface CreateVolumeOptions {
  name?: string;
  driver?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  anonymous?: boolean;
}

/** Creates a volume, or returns the existing one of that name as Docker does. */
export function createVolume(store: Store, request: CreateVolumeOptions = {}): { volume: Volume; created: boolean } {
  const name = request.name ?? crypto().randomBytes(32).toString('hex');
  assertValidName(name);
  const driver = request.driver ?? 'local';
  if (driver !== 'local') throw new NotFoundError(`create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
  const existing = findVolume(store, name);
  if (existing) return { volume: existing, created: false };
  mkdirSync(mountpointOf(store, name), { recursive: true, mode: 0o755 });
  const created = store.db.transaction(() => {
    const inserted = store.db.run(
      'INSERT OR IGNORE INTO volumes (name, driver, labels, options, anonymous, created) VALUES (?, ?, ?, ?, ?, ?)',
      name, driver, jsonOrNull(request.labels), jsonOrNull(request.options), request.anonymous ? 1 : 0, new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    ) === 1;
    if (inserted) volumeEvent(store, 'create', name);
    return inserted;
  });
  return { volume: findVolume(store, name)!, created };
}

function jsonOrNull(map: Record<string, string> | undefined): string | null {
  return map && Object.keys(map).length > 0 ? JSON.stringify(map) : null;
}

export function findVolume(store: Store, name: string): Volume | undefined {
  const row = store.db.get('SELECT name, driver, labels, options, anonymous, created FROM volumes WHERE name = ?', name);
  return row && toVolume(store, row);
}

export function getVolume(store: Store, name: string): Volume {
  const volume = findVolume(store, name);
  if (!volume) throw new NotFoundError(`get ${name}: no such volume`);
  return volume;
}

export function listVolumes(store: Store): Volume[] {
  return store.db.all('SELECT name, driver, labels, options, anonymous, created FROM volumes ORDER BY name').map((row) => toVolume(store, row));
}

function toVolume(store: Store, row: Record<string, unknown>): Volume {
  const name = String(row.name);
  return {
    name,
    driver: String(row.driver),
    labels: row.labels ? (JSON.parse(String(row.labels)) as Record<string, string>) : null,
    options: row.options ? (JSON.parse(String(row.options)) as Record<string, string>) : null,
    anonymous: Number(row.anonymous) === 1,
    created: String(row.created),
    mountpoint: mountpointOf(store, name),
  };
}

export function inspectVolume(volume: Volume): VolumeInspect {
  return { CreatedAt: volume.created, Driver: volume.driver, Labels: volume.labels, Mountpoint: volume.mountpoint, Name: volume.name, Options: volume.options, Scope: 'local' };
}

export function usersOf(store: Store, name: string): string[] {
  return store.db.all('SELECT container_id FROM volume_users WHERE volume = ? ORDER BY container_id', name).map((row) => String(row.container_id));
}

/** `system df`'s view of each volume: how many containers use it and the bytes its files hold. */
export function volumeUsage(store: Store): Array<{ volume: Volume; links: number; size: number }> {
  const links = new Map(store.db.all('SELECT volume, COUNT(*) AS n FROM volume_users GROUP BY volume').map((row) => [String(row.volume), Number(row.n)]));
  return listVolumes(store).map((volume) => ({ volume, links: links.get(volume.name) ?? 0, size: directorySize(join(volumesDir(store), volume.name)) }));
}

/** Removes an unused volume (its row in one transaction, then its directory); in use is Docker's conflict unless forced. */
export function removeVolume(store: Store, name: string, options: { force?: boolean } = {}): void {
  const removed = store.db.transaction(() => {
    if (!findVolume(store, name)) {
      if (options.force) return false;
      throw new NotFoundError(`get ${name}: no such volume`);
    }
    const users = usersOf(store, name);
    if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(' ')}]`);
    store.db.run('DELETE FROM volumes WHERE name = ?', name);
    volumeEvent(store, 'destroy', name);
    return true;
  });
  if (removed) removeVolumeDir(store, name);
}

/** Renamed away first, so a crash mid-delete never leaves a half-emptied volume under its own name. */
function removeVolumeDir(store: Store, name: string): void {
  const dir = join(volumesDir(store), name);
  const trash = join(volumesDir(store), `.removing-${name}-${crypto().randomBytes(4).toString('hex')}`);
  try {
    renameSync(dir, trash);
  } catch {
    return;
  }
  rmSync(trash, { recursive: true, force: true });
}

/** Removes volumes no container uses: anonymous ones, or every one with `all`. Returns names and bytes freed. */
export function pruneVolumes(store: Store, options: { all: boolean; filter?: (volume: Volume) => boolean }): { names: string[]; reclaimedBytes: number } {
  const names: string[] = [];
  let reclaimedBytes = 0;
  for (const volume of listVolumes(store)) {
    if (!options.all && !volume.anonymous) continue;
    if (options.filter && !options.filter(volume)) continue;
    if (usersOf(store, volume.name).length > 0) continue;
    const size = directorySize(join(volumesDir(store), volume.name));
    try {
      removeVolume(store, volume.name);
    } catch (error) {
      // a container took it meanwhile: not pruned
      if (error instanceof ConflictError) continue;
      throw error;
    }
    names.push(volume.name);
    reclaimedBytes += size;
  }
  volumeEvent(store, 'prune', '', { reclaimed: String(reclaimedBytes) });
  return { names, reclaimedBytes };
}

function directorySize(dir: string): number {
  let total = 0;
  try {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
    }
  } catch {
    // gone meanwhile
  }
  return total;
}

/** Records the container as a user of the volume as it starts, with dockerd's `mount` event. */
export function addVolumeUser(store: Store, name: string, containerId: string, mount: { destination: string; readOnly: boolean }): void {
  store.db.transaction(() => {
    store.db.run('INSERT OR IGNORE INTO volume_users (volume, container_id) VALUES (?, ?)', name, containerId);
    volumeEvent(store, 'mount', name, { container: containerId, destination: mount.destination, driver: 'local', propagation: '', 'read/write': String(!mount.readOnly) });
  });
}

/** dockerd's volume events: the actor is the volume's name (none for a prune). Call inside the transaction of the change. */
function volumeEvent(store: Store, action: string, name: string, attributes: Record<string, string> = { driver: 'local' }): void {
  recordEvent(store, 'volume', action, name, attributes);
}

/** Forgets the container's uses; returns its anonymous volumes nobody else uses now. */
export function removeVolumeUsersOf(store: Store, containerId: string): string[] {
  return store.db.transaction(() => {
    const anonymous = store.db
      .all('SELECT v.name FROM volume_users u JOIN volumes v ON v.name = u.volume WHERE u.container_id = ? AND v.anonymous = 1', containerId)
      .map((row) => String(row.name));
    store.db.run('DELETE FROM volume_users WHERE container_id = ?', containerId);
    return anonymous.filter((name) => usersOf(store, name).length === 0);
  });
}

export function assertValidName(name: string): void {
  if (name.length === 1) throw new InvalidArgumentError(`create ${name}: volume name is too short, names should be at least two alphanumeric characters`);
  if (!isValidVolumeName(name)) throw new InvalidArgumentError(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
}
