// `wharf stats --no-stream [-a] [--no-trunc] [--format] [CONTAINER...]`: one table of CPU, memory, network, block I/O and PIDs, in docker/cli's columns and units.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ContainerRecord, listContainers, resolveContainer } from '../../runtime/containers/container-store.ts';
import { isRunning } from '../../runtime/containers/signal.ts';
import { type ContainerStats, sampleStats } from '../../runtime/containers/stats.ts';
import type { CliContext } from '../context.ts';
import { parseFlags } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';
import { bytesSize, humanSize } from '../format/units.ts';
import { UsageError } from '../usage-error.ts';

const STATS_HEADERS = {
  Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};
const DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
/** The daemon's collector interval: CPU % is the share of the host's CPU time used between two samples this far apart. */
const SAMPLE_INTERVAL_MS = 1000;

interface Target {
  record: ContainerRecord;
  /** The name the user gave, or the short ID when listing. */
  label: string;
}

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    all: { type: 'boolean', short: 'a' },
    'no-stream': { type: 'boolean' },
    'no-trunc': { type: 'boolean' },
    format: { type: 'string' },
  }, path);
  if (!values['no-stream']) throw new UsageError(`"wharf ${path}" only takes a snapshot for now: add --no-stream`);
  const store = await context.store();
  const targets = positionals.length > 0
    ? positionals.map((reference) => ({ record: resolveContainer(store, reference), label: reference }))
    : listContainers(store).filter((record) => values.all || isRunning(record)).map((record) => ({ record, label: record.id.slice(0, 12) }));
  const first = targets.map(({ record }) => sampleStats(store, record));
  if (first.some(Boolean)) await sleep(SAMPLE_INTERVAL_MS);
  // only a container that answered the first time is asked again
  const second = targets.map(({ record }, index) => first[index] && sampleStats(store, record));
  const rows = targets.map((target, index) => statsRow(target, first[index], second[index], { trunc: !values['no-trunc'] }));
  context.out(await renderFormatted({ format: values.format as string | undefined, defaultTableFormat: DEFAULT_TABLE, headers: STATS_HEADERS, rows }));
  return 0;
}

/** docker/cli's statsContext fields, keyed as its `{{json .}}` prints them; a stopped container's row is all zeros, as Docker's. */
function statsRow(target: Target, previous: ContainerStats | undefined, current: ContainerStats | undefined, options: { trunc: boolean }): Record<string, string> {
  const { record, label } = target;
  const memoryPercent = current?.memoryLimitBytes ? (current.memoryBytes / current.memoryLimitBytes) * 100 : 0;
  const pair = (a = 0, b = 0) => `${humanSize(a)} / ${humanSize(b)}`;
  return {
    BlockIO: pair(current?.blockReadBytes, current?.blockWriteBytes),
    CPUPerc: `${cpuPercent(previous, current).toFixed(2)}%`,
    Container: label,
    ID: options.trunc ? record.id.slice(0, 12) : record.id,
    MemPerc: `${memoryPercent.toFixed(2)}%`,
    MemUsage: `${bytesSize(current?.memoryBytes ?? 0)} / ${bytesSize(current?.memoryLimitBytes ?? 0)}`,
    Name: record.name,
    NetIO: pair(current?.networkRxBytes, current?.networkTxBytes),
    PIDs: String(current?.pids ?? 0),
  };
}

/** docker/cli's calculateCPUPercentUnix: the container's share of the host's CPU time between the samples, times the CPUs. */
function cpuPercent(previous: ContainerStats | undefined, current: ContainerStats | undefined): number {
  if (!previous || !current) return 0;
  const cpuDelta = current.cpuTotalNs - previous.cpuTotalNs;
  const systemDelta = current.systemCpuNs - previous.systemCpuNs;
  return cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * current.onlineCpus * 100 : 0;
}
