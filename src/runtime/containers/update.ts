// `docker update`: a container's restart policy and resource limits changed in its record and, while it runs, in its
// cgroup (`runc update`); its monitor reads the restart policy again when the container next exits.
import { spawnSync } from 'node:child_process';
import { InvalidArgumentError, WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import type { RestartPolicy } from './container-config.ts';
import { changeSettings, containerDir, type ContainerRecord, recordContainerEvent } from './container-store.ts';
import { CPU_PERIOD, cpuQuota, memorySwap } from './limits.ts';
import { readPlan } from './release.ts';
import { isRunning } from './signal.ts';

/** What to change; a field left out, as a 0 from docker/cli, is left as it is. */
export interface ContainerChanges {
  restartPolicy?: RestartPolicy;
  memory?: number;
  nanoCpus?: number;
  /** -1 (or 0) for no limit. */
  pidsLimit?: number;
}

export function updateContainerConfig(store: Store, record: ContainerRecord, changes: ContainerChanges): void {
  const policy = changes.restartPolicy?.Name;
  if (policy && policy !== 'no' && record.settings.hostConfig.AutoRemove) {
    throw new InvalidArgumentError('Restart policy cannot be updated because AutoRemove is enabled for the container');
  }
  // the cgroup first: a limit the kernel refuses leaves the record as it was
  if (isRunning(record)) updateCgroup(store, record, changes);
  changeSettings(store, record.id, ({ hostConfig }) => {
    if (changes.restartPolicy) hostConfig.RestartPolicy = changes.restartPolicy;
    if (changes.memory) hostConfig.Memory = changes.memory;
    if (changes.nanoCpus) hostConfig.NanoCpus = changes.nanoCpus;
    if (changes.pidsLimit !== undefined) hostConfig.PidsLimit = changes.pidsLimit > 0 ? changes.pidsLimit : null;
    // in the change's own transaction
    recordContainerEvent(store, record, 'update');
  });
}

/** `runc update` with the limits as the runtime spec sets them at start. */
function updateCgroup(store: Store, record: ContainerRecord, changes: ContainerChanges): void {
  const flags = [
    ...(changes.memory ? ['--memory', String(changes.memory), '--memory-swap', String(memorySwap(changes.memory))] : []),
    ...(changes.nanoCpus ? ['--cpu-period', String(CPU_PERIOD), '--cpu-quota', String(cpuQuota(changes.nanoCpus))] : []),
    ...(changes.pidsLimit !== undefined ? ['--pids-limit', String(changes.pidsLimit > 0 ? changes.pidsLimit : -1)] : []),
  ];
  const plan = readPlan(containerDir(store, record.id));
  if (flags.length === 0 || !plan) return;
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'update', ...flags, record.id], { encoding: 'utf8' });
  if (result.status !== 0) throw new WharfError(`Cannot update container ${record.id}: ${result.stderr.trim() || `${plan.runtimePath} update failed`}`);
}
