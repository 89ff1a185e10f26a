// What follows a container's end for good: a start that failed recorded, the run released or an --rm container removed. Done by the client that claimed the exit on the attach socket (run, start -a, a build's RUN), else by the monitor's exit helper.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ContainerUpdate, updateContainer } from '../containers/container-store.ts';
import { releaseContainer, removeAfterExit } from '../containers/release.ts';
import { MetadataDb } from '../../store/metadata-db.ts';
import type { ContainerExit, MonitorStatus } from './attach-protocol.ts';
import { type MonitorPlan, RUNTIME_LOG, startFailure } from './monitor-plan.ts';

export interface ExitHandled {
  /** How it ended, for the monitor's clients. */
  final: MonitorStatus;
  /** The removal's second half, for after the clients have heard (see removeAfterExit). */
  tidy: () => Promise<void>;
}

/** `containerDir` holds the runtime's log; each step's failure goes to `complain`, and the status is still given. */
export async function handleExit(plan: MonitorPlan, containerDir: string, exit: ContainerExit, complain: (error: unknown) => void): Promise<ExitHandled> {
  const final = exit.ran ? { state: 'exited' as const, exitCode: exit.exitCode } : recordStartFailure(plan, containerDir, complain);
  let tidy = async () => {};
  try {
    if (plan.autoRemove) tidy = await removeAfterExit({ root: plan.root, containerId: plan.containerId });
    else await releaseContainer({ root: plan.root, containerId: plan.containerId });
  } catch (error) {
    complain(error);
  }
  return { final, tidy };
}

/** A start that failed leaves the container created, with the runtime's error as Docker words it. */
function recordStartFailure(plan: MonitorPlan, containerDir: string, complain: (error: unknown) => void): MonitorStatus {
  const failure = startFailure(runtimeError(containerDir));
  record(plan, { state: 'created', exitCode: failure.exitCode, error: failure.error, pid: null, finishedAt: new Date().toISOString() }, complain);
  return { state: 'created', exitCode: failure.exitCode, error: failure.error };
}

function record(plan: MonitorPlan, update: ContainerUpdate, complain: (error: unknown) => void): void {
  try {
    // never a new store: when the data root was removed while the container ran, there is nothing left to record in
    const db = new MetadataDb(join(plan.root, 'metadata.db'), { create: false });
    try {
      db.transaction(() => updateContainer({ db } as never, plan.containerId, update));
    } finally {
      db.close();
    }
  } catch (error) {
    complain(error);
  }
}

function runtimeError(containerDir: string): string {
  try {
    const lines = readFileSync(join(containerDir, RUNTIME_LOG), 'utf8').trim().split('\n');
    const errors = lines.map((line) => JSON.parse(line) as { level?: string; msg?: string }).filter((entry) => entry.level === 'error');
    return errors.at(-1)?.msg ?? 'the runtime failed';
  } catch {
    return 'the runtime failed';
  }
}
