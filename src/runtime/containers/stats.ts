// One sample of a running container's resource use: its cgroup's counters (`runc events --stats`), its network's bytes, the host's CPU time.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord } from './container-store.ts';
import { readPlan } from './release.ts';
import { isRunning } from './signal.ts';

/** The raw numbers Docker's stats API carries; percentages need two samples, so they are the caller's. */
export interface ContainerStats {
  cpuTotalNs: number;
  /** The host's CPU time since boot, all CPUs, as Docker's system_cpu_usage. */
  systemCpuNs: number;
  onlineCpus: number;
  /** Usage less the inactive page cache, as docker/cli shows it. */
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/** runc's libcontainer stats, the fields read here (cgroup v1 and v2 alike). */
interface RuncStats {
  cpu?: { usage?: { total?: number } };
  memory?: { usage?: { usage?: number; limit?: number }; raw?: Record<string, number> };
  pids?: { current?: number };
  blkio?: { ioServiceBytesRecursive?: Array<{ op?: string; value?: number }> };
}

const NANOSECONDS_PER_TICK = 1e9 / 100;

/** undefined for a container that is not running (or stopped before the runtime answered). */
export function sampleStats(store: Store, record: ContainerRecord): ContainerStats | undefined {
  if (!isRunning(record) || !record.pid) return undefined;
  const cgroup = runtimeStats(store, record.id);
  if (!cgroup) return undefined;
  const network = networkBytes(record.pid);
  return {
    cpuTotalNs: cgroup.cpu?.usage?.total ?? 0,
    systemCpuNs: systemCpuNs(),
    onlineCpus: cpus().length,
    memoryBytes: memoryWithoutCache(cgroup.memory),
    // an unlimited cgroup reports a huge limit: Docker shows the host's memory instead
    memoryLimitBytes: Math.min(cgroup.memory?.usage?.limit || Infinity, totalmem()),
    networkRxBytes: network.rx,
    networkTxBytes: network.tx,
    blockReadBytes: blockBytes(cgroup, 'r'),
    blockWriteBytes: blockBytes(cgroup, 'w'),
    pids: cgroup.pids?.current ?? 0,
  };
}

function runtimeStats(store: Store, id: string): RuncStats | undefined {
  const plan = readPlan(containerDir(store, id));
  if (!plan) return undefined;
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'events', '--stats', id], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return (JSON.parse(result.stdout) as { data?: RuncStats }).data;
}

/** docker/cli's calculateMemUsageUnixNoCache. */
function memoryWithoutCache(memory: RuncStats['memory']): number {
  const usage = memory?.usage?.usage ?? 0;
  const inactive = memory?.raw?.total_inactive_file ?? memory?.raw?.inactive_file ?? 0;
  return inactive < usage ? usage - inactive : usage;
}

function blockBytes(cgroup: RuncStats, op: 'r' | 'w'): number {
  const entries = cgroup.blkio?.ioServiceBytesRecursive ?? [];
  return entries.filter((entry) => entry.op?.[0]?.toLowerCase() === op).reduce((sum, entry) => sum + (entry.value ?? 0), 0);
}

/** Every interface of the container's network namespace but loopback, as Docker counts its endpoints. */
function networkBytes(pid: number): { rx: number; tx: number } {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/net/dev`, 'utf8');
  } catch {
    return { rx: 0, tx: 0 };
  }
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, counters] = line.split(':');
    if (!counters || name.trim() === 'lo') continue;
    const fields = counters.trim().split(/\s+/).map(Number);
    rx += fields[0];
    tx += fields[8];
  }
  return { rx, tx };
}

/** The first line of /proc/stat (user nice system idle iowait irq softirq steal), in nanoseconds. */
function systemCpuNs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return fields.reduce((sum, ticks) => sum + ticks, 0) * NANOSECONDS_PER_TICK;
}
