// Freezes a running container's processes and thaws them again (`runc pause`/`resume`): `pause`/`unpause`, and a commit
// that reads a filesystem nothing is writing. Whether it is paused is the runtime's to say (`runc state`); the record's
// `paused` is what ps and inspect show.
import { spawnSync } from 'node:child_process';
import { ConflictError, WharfError } from '../../errors.ts';
import type { MonitorPlan } from '../monitor/monitor-plan.ts';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord, recordContainerEvent, updateContainer } from './container-store.ts';
import { readPlan } from './release.ts';
import { isRunning } from './signal.ts';

type RuntimePlan = Pick<MonitorPlan, 'runtimePath' | 'stateRoot'>;

/** Runs `work` with the container paused when it is running; a stopped one, or one the user paused, is left as it is. */
export async function whilePaused<T>(store: Store, record: ContainerRecord, work: () => Promise<T>): Promise<T> {
  const plan = runningPlan(store, record);
  if (!plan || isPaused(plan, record.id)) return work();
  runtime(store, record, plan, 'pause');
  try {
    return await work();
  } finally {
    runtime(store, record, plan, 'resume');
  }
}

/** `docker pause`, with dockerd's refusals (409) of a container that is not running or already paused. */
export function pauseContainer(store: Store, record: ContainerRecord): void {
  const plan = runningPlan(store, record);
  if (!plan) throw new ConflictError(`container ${record.id} is not running`);
  if (isPaused(plan, record.id)) throw new ConflictError(`container ${record.id} is already paused`);
  runtime(store, record, plan, 'pause');
}

/** `docker unpause`; dockerd's plain error (500) for a container that is not paused, running or not. */
export function unpauseContainer(store: Store, record: ContainerRecord): void {
  const plan = runningPlan(store, record);
  if (!plan || !isPaused(plan, record.id)) throw new WharfError(`Container ${record.id} is not paused`);
  runtime(store, record, plan, 'resume');
}

/** The runtime that runs the container; undefined when it does not run. */
function runningPlan(store: Store, record: ContainerRecord): RuntimePlan | undefined {
  return isRunning(record) ? readPlan(containerDir(store, record.id)) : undefined;
}

function isPaused(plan: RuntimePlan, id: string): boolean {
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'state', id], { encoding: 'utf8' });
  return result.status === 0 && (JSON.parse(result.stdout) as { status?: string }).status === 'paused';
}

/** As dockerd's containerPause/containerUnpause, which a commit's pause goes through too, each logs its event. */
function runtime(store: Store, record: ContainerRecord, plan: RuntimePlan, command: 'pause' | 'resume'): void {
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, command, record.id], { encoding: 'utf8' });
  if (result.status !== 0) throw new WharfError(`Cannot ${command} container ${record.id}: ${result.stderr.trim()}`);
  store.db.transaction(() => {
    updateContainer(store, record.id, { paused: command === 'pause' });
    recordContainerEvent(store, record, command === 'pause' ? 'pause' : 'unpause');
  });
}
