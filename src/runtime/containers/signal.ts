// Sends a signal to a running container's init through the OCI runtime (`runc kill`).
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { ConflictError, InvalidArgumentError, WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord, recordContainerEvent } from './container-store.ts';
import { readPlan } from './release.ts';

/** `KILL`, `SIGKILL` or `9` → `SIGKILL`; Docker's error for anything else. */
export function normalizeSignal(signal: string): string {
  const upper = signal.toUpperCase();
  const name = /^\d+$/.test(signal) ? Object.entries(constants.signals).find(([, number]) => number === Number(signal))?.[0] : upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (!name || !(name in constants.signals)) throw new InvalidArgumentError(`Invalid signal: ${signal}`);
  return name;
}

export function isRunning(record: ContainerRecord): boolean {
  return record.state === 'running' || record.state === 'restarting';
}

export function signalContainer(store: Store, record: ContainerRecord, signal: string, reference = record.name): void {
  const name = normalizeSignal(signal);
  if (!isRunning(record)) throw new ConflictError(`Cannot kill container: ${reference}: Container ${record.id} is not running`);
  const plan = readPlan(containerDir(store, record.id));
  if (!plan) throw new WharfError(`container ${record.id} has no runtime state`);
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'kill', record.id, name], { encoding: 'utf8' });
  // between a restart policy's runs there is no process to signal; that is not an error
  if (result.status !== 0 && !/not running|does not exist|container not created/.test(result.stderr)) throw new WharfError(`Cannot kill container: ${reference}: ${result.stderr.trim()}`);
  recordContainerEvent(store, record, 'kill', { signal: String(constants.signals[name as keyof typeof constants.signals]) });
  // a paused (frozen) process takes no signal until thawed: as dockerd, a stop or a kill resumes it (the runtime refuses, harmlessly, one not paused)
  if (name === 'SIGKILL' || name === normalizeSignal(record.settings.config.StopSignal ?? 'SIGTERM')) spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'resume', record.id], { stdio: 'ignore' });
}
