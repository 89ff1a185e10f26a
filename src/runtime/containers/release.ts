// Undoes a run (runtime state, root filesystem mount, network) once a container has stopped, and removes a container for good; safe to repeat after a crash.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/store.ts';
import { detachNetwork, networkIsShared } from '../network/attach.ts';
import { releaseMounts } from '../volumes/mounts.ts';
import { detectRuntime } from '../runtime-detect.ts';
import { type MonitorPlan, PLAN_FILE } from '../monitor/monitor-plan.ts';
import { containerDir, deleteContainerRecord, getContainer, RUN_STATE, updateContainer } from './container-store.ts';
import { removeContainerRootfs, unmountContainerRootfs } from './rootfs.ts';

/**
 * Called by the monitor's exit helper when a container that stays (no --rm) has exited for good. The runtime's
 * record of it the monitor deletes itself, once its clients have heard of the exit.
 */
export async function releaseContainer(options: { root: string; containerId: string }): Promise<void> {
  await releaseResources(await openStore(options.root, { create: false }), options.containerId);
}

/**
 * --rm after the exit, in two halves. The first leaves nothing another command could see or trip on: the root
 * filesystem's mount (as with Docker, once `run --rm` returns nothing of the container is mounted), the record (so
 * `ps -a`, `rm` and the name are as after a removal), the volumes, and a bridge attachment's address, ports and rules
 * (the next container may want them at once). The second, returned, is left for after the client has heard of the
 * exit: a private namespace (none) and the directory, while the monitor deletes the runtime's record; what a crash in
 * between leaves, `system prune` removes (sweepRemovedContainers).
 */
export async function removeAfterExit(options: { root: string; containerId: string }): Promise<() => Promise<void>> {
  const store = await openStore(options.root, { create: false });
  const dir = containerDir(store, options.containerId);
  const shared = networkIsShared(dir);
  // independent, each mostly waiting for a program (umount, ip)
  await allSettled([unmountContainerRootfs(dir), shared ? detachNetwork(store, dir) : Promise.resolve()]);
  await releaseMounts(store, options.containerId, { removeAnonymous: true });
  deleteContainerRecord(store, options.containerId, RUN_STATE);
  return () => removeLeftovers(store, dir);
}

/** What a removed container's directory still holds (a mount, a namespace of its own), and the directory. */
async function removeLeftovers(store: Store, dir: string): Promise<void> {
  await allSettled([unmountContainerRootfs(dir), detachNetwork(store, dir)]);
  await removeContainerRootfs(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** A removal's second half is done within a second; a directory without a record older than this is a crash's leftover. */
const LEFTOVER_AGE_MS = 60_000;

/** `system prune`: removes the leftovers of containers whose removal a crash cut short; the IDs. */
export async function sweepRemovedContainers(store: Store): Promise<string[]> {
  const parent = join(store.root, 'containers');
  const swept: string[] = [];
  for (const id of existsSync(parent) ? readdirSync(parent) : []) {
    const dir = join(parent, id);
    if (getContainer(store, id) || Date.now() - statSync(dir).mtimeMs < LEFTOVER_AGE_MS) continue;
    await removeLeftovers(store, dir);
    swept.push(id);
  }
  return swept;
}

/**
 * `system prune`: the runtime's records of containers that are gone, with the cgroups they hold; a monitor killed
 * between an --rm removal and its own `runc delete` leaves one. The IDs.
 */
export function sweepOrphanRuntimeStates(store: Store): string[] {
  const runtimes = join(store.root, 'runtime');
  const swept: string[] = [];
  for (const name of existsSync(runtimes) ? readdirSync(runtimes) : []) {
    const stateRoot = join(runtimes, name);
    const orphans = readdirSync(stateRoot).filter((id) => /^[0-9a-f]{64}$/.test(id) && !getContainer(store, id));
    if (orphans.length === 0) continue;
    const runtime = detectRuntime({ flag: name, root: store.root }).path;
    for (const id of orphans) spawnSync(runtime, ['--root', stateRoot, 'delete', '--force', id], { stdio: 'ignore' });
    swept.push(...orphans);
  }
  return swept;
}

export async function releaseRun(store: Store, containerId: string): Promise<void> {
  deleteRuntimeState(containerDir(store, containerId), containerId);
  await releaseResources(store, containerId);
}

/** The root filesystem's mount and the network attachment. */
async function releaseResources(store: Store, containerId: string): Promise<void> {
  const dir = containerDir(store, containerId);
  // independent, each mostly waiting for a program (umount, ip)
  await allSettled([unmountContainerRootfs(dir), detachNetwork(store, dir)]);
  store.db.transaction(() => updateContainer(store, containerId, { network: null }), RUN_STATE);
}

/**
 * The runtime's record of the container, and any process a crashed monitor left running; `runc run` removes its
 * record when the container exits, and without one `delete` has nothing to do.
 */
function deleteRuntimeState(dir: string, containerId: string): void {
  const plan = readPlan(dir);
  if (plan && existsSync(join(plan.stateRoot, containerId))) spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'delete', '--force', containerId], { stdio: 'ignore' });
}

/** Waits for every step, then throws the first failure: undoing never races a step still at work. */
async function allSettled(steps: Array<Promise<void>>): Promise<void> {
  for (const outcome of await Promise.allSettled(steps)) if (outcome.status === 'rejected') throw outcome.reason;
}

export async function deleteContainer(store: Store, containerId: string, options: { removeVolumes: boolean }): Promise<void> {
  const dir = containerDir(store, containerId);
  await releaseMounts(store, containerId, { removeAnonymous: options.removeVolumes });
  await removeContainerRootfs(dir);
  deleteContainerRecord(store, containerId);
  rmSync(dir, { recursive: true, force: true });
}

export function readPlan(dir: string): MonitorPlan | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, PLAN_FILE), 'utf8')) as MonitorPlan;
  } catch {
    return undefined;
  }
}
