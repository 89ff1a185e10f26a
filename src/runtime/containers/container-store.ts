// Container records in the metadata DB: insert, find by name or ID prefix, update, and the state a dead monitor leaves shown truthfully.
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../errors.ts';
import { recordEvent } from '../../events/event-log.ts';
import { isProcessAlive, processStartTime } from '../../store/leases.ts';
import type { Row } from '../../store/metadata-db.ts';
import type { Store } from '../../store/store.ts';
import type { NetworkAttachment } from '../network/attach.ts';
import type { ContainerSettings } from './container-config.ts';
import type { HealthState } from './healthcheck.ts';

export type ContainerState = 'created' | 'running' | 'restarting' | 'exited' | 'removing' | 'dead';

export interface ContainerRecord {
  id: string;
  name: string;
  imageId: string;
  imageName: string;
  created: string;
  settings: ContainerSettings;
  state: ContainerState;
  monitorPid: number | null;
  monitorStarted: string | null;
  pid: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  error: string | null;
  oomKilled: boolean;
  restartCount: number;
  stopRequested: boolean;
  /** Frozen by `pause`; `state` stays running, as Docker's Running stays true. */
  paused: boolean;
  network: NetworkAttachment | null;
  /** State.Health, written by the monitor's checks; kept after the container stops, as dockerd keeps it. */
  health: HealthState | null;
}

/** Exit code shown for a container whose monitor died without recording one (Docker shows 255 when the shim is lost). */
export const LOST_EXIT_CODE = 255;

export function containerDir(store: Store, id: string): string {
  return join(store.root, 'containers', id);
}

/**
 * Options for the writes that record a run and nothing that outlives it (its network, its start), and every write of an
 * --rm container: committed without an fsync (see MetadataDb.transaction). A power loss ends the run anyway, and an
 * fsync waits for all of the disk's writeback: seconds of a container's start while a pull or a build writes.
 */
export const RUN_STATE = { durable: false };

export function insertContainer(store: Store, record: Pick<ContainerRecord, 'id' | 'name' | 'imageId' | 'imageName' | 'created' | 'settings'>): void {
  store.db.transaction(() => {
    const holder = store.db.get('SELECT id FROM containers WHERE name = ?', record.name);
    if (holder) throw nameConflict(record.name, String(holder.id));
    store.db.run(
      'INSERT INTO containers (id, name, image_id, image_name, created, settings, state) VALUES (?, ?, ?, ?, ?, ?, ?)',
      record.id, record.name, record.imageId, record.imageName, record.created, JSON.stringify(record.settings), 'created',
    );
    recordContainerEvent(store, record, 'create');
  }, record.settings.hostConfig.AutoRemove ? RUN_STATE : {});
}

/**
 * A container event as dockerd logs it (daemon/events.go LogContainerEventWithAttributes): the action's attributes,
 * then the container's labels, its image as the user gave it and its name. Call it in the transaction of the change
 * where there is one. The monitor logs start, die and oom itself (records.c), in the same form.
 */
export function recordContainerEvent(store: Store, record: Pick<ContainerRecord, 'id' | 'name' | 'imageName' | 'settings'>, action: string, attributes: Record<string, string> = {}): void {
  recordEvent(store, 'container', action, record.id, { ...attributes, ...record.settings.config.Labels, image: record.imageName, name: record.name });
}

/** Removes the record for good, logging dockerd's `destroy` in the same transaction. */
export function deleteContainerRecord(store: Store, id: string, options: { durable?: boolean } = {}): void {
  store.db.transaction(() => {
    const row = store.db.get('SELECT * FROM containers WHERE id = ?', id);
    store.db.run('DELETE FROM containers WHERE id = ?', id);
    if (row) recordContainerEvent(store, fromRow(row), 'destroy');
  }, options);
}

export function nameConflict(name: string, holderId: string): ConflictError {
  return new ConflictError(`Conflict. The container name "/${name}" is already in use by container "${holderId}". You have to remove (or rename) that container to be able to reuse that name.`, { exitCode: 125 });
}

const COLUMNS: Record<string, string> = {
  state: 'state', monitorPid: 'monitor_pid', monitorStarted: 'monitor_started', pid: 'pid', startedAt: 'started_at', finishedAt: 'finished_at',
  exitCode: 'exit_code', error: 'error', oomKilled: 'oom_killed', restartCount: 'restart_count', stopRequested: 'stop_requested', paused: 'paused', network: 'network', name: 'name',
};

export type ContainerUpdate = Partial<Omit<ContainerRecord, 'id' | 'imageId' | 'imageName' | 'created' | 'settings' | 'health'>>;

/** Sets the given fields in one statement; call inside a transaction when it must agree with a read. */
export function updateContainer(store: Store, id: string, update: ContainerUpdate): void {
  const entries = Object.entries(update);
  if (entries.length === 0) return;
  const values = entries.map(([key, value]) => toColumnValue(key, value));
  store.db.run(`UPDATE containers SET ${entries.map(([key]) => `${COLUMNS[key]} = ?`).join(', ')} WHERE id = ?`, ...values, id);
}

/** Rewrites the container's stored settings from their latest state, in one transaction of its own, which `change` may write in too. */
export function changeSettings(store: Store, id: string, change: (settings: ContainerSettings) => void): void {
  store.db.transaction(() => {
    const row = store.db.get('SELECT settings FROM containers WHERE id = ?', id);
    if (!row) return;
    const settings = JSON.parse(String(row.settings)) as ContainerSettings;
    change(settings);
    store.db.run('UPDATE containers SET settings = ? WHERE id = ?', JSON.stringify(settings), id);
  });
}

function toColumnValue(key: string, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (key === 'network') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as string | number;
}

export function getContainer(store: Store, id: string): ContainerRecord | undefined {
  const row = store.db.get('SELECT * FROM containers WHERE id = ?', id);
  return row ? truthful(store, fromRow(row)) : undefined;
}

export function listContainers(store: Store): ContainerRecord[] {
  return store.db.all('SELECT * FROM containers ORDER BY created DESC, rowid DESC').map((row) => truthful(store, fromRow(row)));
}

/** By full ID, exact name, or unique ID prefix (Docker's order); `No such container: …` otherwise. */
export function resolveContainer(store: Store, reference: string): ContainerRecord {
  const name = reference.replace(/^\//, '');
  const row = store.db.get('SELECT * FROM containers WHERE id = ?', reference) ?? store.db.get('SELECT * FROM containers WHERE name = ?', name);
  if (row) return truthful(store, fromRow(row));
  if (/^[0-9a-f]+$/.test(reference)) {
    const candidates = store.db.all('SELECT id FROM containers WHERE id >= ? AND id < ?', reference, `${reference}g`).map((r) => String(r.id));
    if (candidates.length > 1) throw new InvalidArgumentError(`Multiple IDs found with provided prefix: ${reference}`);
    const found = candidates.length === 1 && getContainer(store, candidates[0]);
    if (found) return found;
  }
  throw new NotFoundError(`No such container: ${reference}`);
}

export function isMonitorAlive(record: Pick<ContainerRecord, 'monitorPid' | 'monitorStarted'>): boolean {
  if (!record.monitorPid) return false;
  return isProcessAlive(record.monitorPid) && processStartTime(record.monitorPid) === record.monitorStarted;
}

/** A running container whose monitor is gone is recorded as exited, now, so every later reader agrees. */
function truthful(store: Store, record: ContainerRecord): ContainerRecord {
  if ((record.state !== 'running' && record.state !== 'restarting') || isMonitorAlive(record)) return record;
  const update: ContainerUpdate = { state: 'exited', exitCode: record.exitCode ?? LOST_EXIT_CODE, finishedAt: record.finishedAt ?? new Date().toISOString(), monitorPid: null, pid: null, paused: false };
  store.db.transaction(() => updateContainer(store, record.id, update));
  return { ...record, ...update };
}

function fromRow(row: Row): ContainerRecord {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: String(row.id),
    name: String(row.name),
    imageId: String(row.image_id),
    imageName: String(row.image_name),
    created: String(row.created),
    settings: JSON.parse(String(row.settings)) as ContainerSettings,
    state: String(row.state) as ContainerState,
    monitorPid: number(row.monitor_pid),
    monitorStarted: text(row.monitor_started),
    pid: number(row.pid),
    startedAt: text(row.started_at),
    finishedAt: text(row.finished_at),
    exitCode: number(row.exit_code),
    error: text(row.error),
    oomKilled: Boolean(row.oom_killed),
    restartCount: Number(row.restart_count),
    stopRequested: Boolean(row.stop_requested),
    paused: Boolean(row.paused),
    network: row.network ? (JSON.parse(String(row.network)) as NetworkAttachment) : null,
    health: row.health ? (JSON.parse(String(row.health)) as HealthState) : null,
  };
}
