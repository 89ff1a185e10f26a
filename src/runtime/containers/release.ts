// Undoes a run (runtime state, root filesystem mount, network) once a container has stopped, and removes a container for good; safe to repeat after a crash.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/store.ts';
import { detachNetwork } from '../network/attach.ts';
import { releaseMounts } from '../volumes/mounts.ts';
import { type MonitorPlan, PLAN_FILE } from '../monitor/monitor-plan.ts';
import { containerDir, updateContainer } from './container-store.ts';
import { removeContainerRootfs, unmountContainerRootfs } from './rootfs.ts';

/** Called by the monitor when the container has exited for good; with `remove` (--rm) the container goes too, anonymous volumes included. */
export async function releaseContainer(options: { root: string; containerId: string; remove: boolean }): Promise<void> {
  const store = await openStore(options.root);
  await releaseRun(store, options.containerId);
  if (options.remove) await deleteContainer(store, options.containerId, { removeVolumes: true });
}

export async function releaseRun(store: Store, containerId: string): Promise<void> {
  const dir = containerDir(store, containerId);
  const plan = readPlan(dir);
  // the runtime's record of the container, and any process a crashed monitor left running; `runc run` removes
  // its record when the container exits, and without one `delete` has nothing to do
  if (plan && existsSync(join(plan.stateRoot, containerId))) spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'delete', '--force', containerId], { stdio: 'ignore' });
  // independent, each mostly waiting for a program (umount, ip)
  const outcomes = await Promise.allSettled([unmountContainerRootfs(dir), detachNetwork(store, dir)]);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  store.db.transaction(() => updateContainer(store, containerId, { network: null }));
}

export async function deleteContainer(store: Store, containerId: string, options: { removeVolumes: boolean }): Promise<void> {
  const dir = containerDir(store, containerId);
  await releaseMounts(store, containerId, { removeAnonymous: options.removeVolumes });
  await removeContainerRootfs(dir);
  store.db.transaction(() => store.db.run('DELETE FROM containers WHERE id = ?', containerId));
  rmSync(dir, { recursive: true, force: true });
}

export function readPlan(dir: string): MonitorPlan | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, PLAN_FILE), 'utf8')) as MonitorPlan;
  } catch {
    return undefined;
  }
}
