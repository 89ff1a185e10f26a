// Freezes a running container's processes and thaws them again (`runc pause`/`resume`), so a commit reads a filesystem nothing is writing.
import { spawnSync } from 'node:child_process';
import { WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord } from './container-store.ts';
import { readPlan } from './release.ts';
import { isRunning } from './signal.ts';

/** Runs `work` with the container paused when it is running; a stopped one needs no pause. */
export async function whilePaused<T>(store: Store, record: ContainerRecord, work: () => Promise<T>): Promise<T> {
  const plan = isRunning(record) ? readPlan(containerDir(store, record.id)) : undefined;
  if (!plan) return work();
  runtime(plan, 'pause', record.id);
  try {
    return await work();
  } finally {
    runtime(plan, 'resume', record.id);
  }
}

function runtime(plan: { runtimePath: string; stateRoot: string }, command: 'pause' | 'resume', id: string): void {
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, command, id], { encoding: 'utf8' });
  if (result.status !== 0) throw new WharfError(`Cannot ${command} container ${id}: ${result.stderr.trim()}`);
}
