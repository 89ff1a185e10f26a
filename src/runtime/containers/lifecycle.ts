// Stop (STOPSIGNAL, then SIGKILL after the timeout), wait for an exit, and remove, with Docker's rules and texts.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { type ContainerRecord, getContainer, isMonitorAlive, recordContainerEvent, updateContainer } from './container-store.ts';
import { deleteContainer, releaseRun } from './release.ts';
import { isRunning, signalContainer } from './signal.ts';

const POLL_MS = 25;

/** Resolves with the final record (undefined once --rm removed it) when the container no longer runs and its monitor has finished. */
/** The run is over: the container gone, or not running with its monitor gone too (so its last output is written). */
export function runEnded(record: ContainerRecord | undefined): boolean {
  return !record || (!isRunning(record) && !isMonitorAlive(record));
}

export async function waitForExit(store: Store, id: string, options: { timeoutMs?: number } = {}): Promise<ContainerRecord | undefined> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    const record = getContainer(store, id);
    if (runEnded(record)) return record;
    if (Date.now() >= deadline) return record;
    await sleep(POLL_MS);
  }
}

export async function stopContainer(store: Store, record: ContainerRecord, options: { timeoutSeconds?: number; signal?: string }): Promise<void> {
  if (!isRunning(record)) {
    if (!isMonitorAlive(record)) await releaseRun(store, record.id);
    return;
  }
  store.db.transaction(() => updateContainer(store, record.id, { stopRequested: true }));
  const timeout = options.timeoutSeconds ?? record.settings.config.StopTimeout ?? 10;
  const signal = options.signal ?? record.settings.config.StopSignal ?? 'SIGTERM';
  if (timeout !== 0) {
    signalContainer(store, record, signal);
    const after = await waitForExit(store, record.id, { timeoutMs: timeout < 0 ? undefined : timeout * 1000 });
    if (!after || (!isRunning(after) && !isMonitorAlive(after))) return recordContainerEvent(store, after ?? record, 'stop');
  }
  const current = getContainer(store, record.id);
  if (current && isRunning(current)) signalContainer(store, current, 'SIGKILL');
  recordContainerEvent(store, (await waitForExit(store, record.id)) ?? record, 'stop');
}

export async function removeContainer(store: Store, record: ContainerRecord, options: { force: boolean; removeVolumes: boolean }): Promise<void> {
  if (isRunning(record)) {
    if (!options.force) throw new ConflictError(`You cannot remove a running container ${record.id}. Stop the container before attempting removal or force remove`);
    store.db.transaction(() => updateContainer(store, record.id, { stopRequested: true }));
    signalContainer(store, record, 'SIGKILL');
    await waitForExit(store, record.id);
  } else if (isMonitorAlive(record)) {
    // a monitor still releasing the run (or removing an --rm container): let it finish
    await waitForExit(store, record.id);
  }
  if (!getContainer(store, record.id)) return;
  await releaseRun(store, record.id);
  await deleteContainer(store, record.id, { removeVolumes: options.removeVolumes });
}
