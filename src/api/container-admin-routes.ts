// Container administration routes of the Engine API over the same core as the CLI: restart, rename, pause, unpause, update, top, stats, prune, changes (diff), export, resize.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../errors.ts';
import { goJsonTime } from '../go/time.ts';
import { containerDir, type ContainerRecord, getContainer, recordContainerEvent, resolveContainer } from '../runtime/containers/container-store.ts';
import { exportContainer } from '../runtime/containers/export.ts';
import { renameContainer } from '../runtime/containers/names.ts';
import { pauseContainer, unpauseContainer } from '../runtime/containers/pause.ts';
import { pruneContainers } from '../runtime/containers/prune.ts';
import { parseRestartPolicy } from '../runtime/containers/restart-policy.ts';
import { restartContainer } from '../runtime/containers/restart.ts';
import { isRunning } from '../runtime/containers/signal.ts';
import { type ContainerStats, sampleStats } from '../runtime/containers/stats.ts';
import { containerTop } from '../runtime/containers/top.ts';
import { updateContainerConfig } from '../runtime/containers/update.ts';
import { resizeTerminal } from '../runtime/monitor/attach-client.ts';
import { containerChanges } from '../snapshots/overlay-upper.ts';
import { jsonBody } from './api-body.ts';
import { sendJson } from './api-errors.ts';
import { queryFilters, queryFlag, terminalDimension } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';
import { stopOptionsOf } from './container-routes.ts';

/** dockerd's stats collector samples this often; CPU % is the share of the host's CPU time between two samples. */
const SAMPLE_INTERVAL_MS = 1000;
/** Docker's ChangeType numbers for the A/C/D `docker diff` prints. */
const CHANGE_KINDS = { C: 0, A: 1, D: 2 } as const;

async function restart({ response, params, query, store }: ApiRequest): Promise<void> {
  await restartContainer(store, resolveContainer(store, params[0]), stopOptionsOf(query), params[0]);
  response.writeHead(204).end();
}

function rename({ response, params, query, store }: ApiRequest): void {
  renameContainer(store, resolveContainer(store, params[0]), query.get('name') ?? '');
  response.writeHead(204).end();
}

function pause({ response, params, store }: ApiRequest): void {
  pauseContainer(store, resolveContainer(store, params[0]));
  response.writeHead(204).end();
}

function unpause({ response, params, store }: ApiRequest): void {
  unpauseContainer(store, resolveContainer(store, params[0]));
  response.writeHead(204).end();
}

interface UpdateBody {
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  Memory?: number;
  NanoCpus?: number;
  PidsLimit?: number | null;
}

/** What docker/cli sends for `docker update`: each limit it was given, 0 (or absent) for the rest. */
async function update({ request, response, params, store }: ApiRequest): Promise<void> {
  const body = await jsonBody<UpdateBody>(request);
  const record = resolveContainer(store, params[0]);
  const policy = body.RestartPolicy?.Name;
  updateContainerConfig(store, record, {
    ...(policy !== undefined && policy !== '' ? { restartPolicy: parseRestartPolicy(policy === 'on-failure' ? `${policy}:${body.RestartPolicy?.MaximumRetryCount ?? 0}` : policy) } : {}),
    ...(body.Memory ? { memory: body.Memory } : {}),
    ...(body.NanoCpus ? { nanoCpus: body.NanoCpus } : {}),
    ...(typeof body.PidsLimit === 'number' ? { pidsLimit: body.PidsLimit } : {}),
  });
  sendJson(response, 200, { Warnings: null });
}

/** `ps_args` is one string (docker/cli joins its words), split as dockerd splits it. */
function top({ response, params, query, store }: ApiRequest): void {
  const psArgs = (query.get('ps_args') ?? '').split(/\s+/).filter(Boolean);
  const { titles, processes } = containerTop(store, resolveContainer(store, params[0]), psArgs);
  sendJson(response, 200, { Titles: titles, Processes: processes });
}

interface Sample {
  /** When it was taken, as Docker's `read`. */
  read: string;
  /** undefined while the container does not run. */
  stats?: ContainerStats;
}

/** One JSON a line: once (`stream=0`), or every second until the client goes away or the container is removed. */
async function stats({ response, params, query, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  const stream = !query.get('stream') || queryFlag(query, 'stream');
  response.writeHead(200, { 'Content-Type': 'application/json' });
  if (!stream) return void response.end(await statsOnce(store, record, queryFlag(query, 'one-shot')));
  let previous: Sample | undefined;
  while (!response.destroyed) {
    const current = takeSample(store, record.id);
    if (!current) break;
    response.write(statsLine(record, current, previous));
    previous = current;
    await sleep(SAMPLE_INTERVAL_MS);
  }
  response.end();
}

/** As dockerd without a stream: two samples a second apart so CPU % has a previous one, unless `one-shot` or the container does not run. */
async function statsOnce(store: ApiRequest['store'], record: ContainerRecord, oneShot: boolean): Promise<string> {
  const first = takeSample(store, record.id);
  if (oneShot || !first?.stats) return statsLine(record, first, undefined);
  await sleep(SAMPLE_INTERVAL_MS);
  return statsLine(record, takeSample(store, record.id), first);
}

/** undefined once the container is gone. */
function takeSample(store: ApiRequest['store'], id: string): Sample | undefined {
  const record = getContainer(store, id);
  return record && { read: new Date().toISOString(), stats: sampleStats(store, record) };
}

/**
 * Docker's StatsResponse as far as the core's sample goes: a container that does not run gets dockerd's empty one (its
 * ID and name, zero times). The core sums the block devices and the network's interfaces, so one entry each stands for them.
 */
function statsLine(record: ContainerRecord, current: Sample | undefined, previous: Sample | undefined): string {
  const stats = current?.stats;
  const body = {
    read: goJsonTime(current?.stats && current.read),
    preread: goJsonTime(previous?.stats && previous.read),
    id: record.id,
    name: `/${record.name}`,
    os_type: 'linux',
    pids_stats: stats ? { current: stats.pids } : {},
    blkio_stats: { io_service_bytes_recursive: stats ? [blockEntry('read', stats.blockReadBytes), blockEntry('write', stats.blockWriteBytes)] : null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(stats),
    precpu_stats: cpuStats(previous?.stats),
    // the core's usage already leaves out the inactive page cache, which docker/cli would subtract
    memory_stats: stats ? { usage: stats.memoryBytes, limit: stats.memoryLimitBytes } : {},
    // a bridge attachment's eth0; none and the host's network have no interface of the container's own
    networks: stats && record.network?.netnsPath ? { eth0: networkStats(stats) } : undefined,
  };
  return `${JSON.stringify(body)}\n`;
}

function cpuStats(stats: ContainerStats | undefined): Record<string, unknown> {
  return {
    cpu_usage: { total_usage: stats?.cpuTotalNs ?? 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: stats?.systemCpuNs,
    online_cpus: stats?.onlineCpus,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

function blockEntry(op: 'read' | 'write', value: number): Record<string, unknown> {
  return { major: 0, minor: 0, op, value };
}

function networkStats(stats: ContainerStats): Record<string, number> {
  return { rx_bytes: stats.networkRxBytes, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: stats.networkTxBytes, tx_packets: 0, tx_errors: 0, tx_dropped: 0 };
}

/** `ContainersDeleted` is null when none was, as dockerd's empty list. */
async function prune({ response, query, store }: ApiRequest): Promise<void> {
  const { removed, reclaimedBytes } = await pruneContainers(store, queryFilters(query));
  sendJson(response, 200, { ContainersDeleted: removed.length ? removed : null, SpaceReclaimed: reclaimedBytes });
}

/** null for no change, as dockerd's empty list. */
async function changes({ response, params, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  const found = await containerChanges(containerDir(store, record.id));
  sendJson(response, 200, found.length ? found.map((change) => ({ Path: change.path, Kind: CHANGE_KINDS[change.kind] })) : null);
}

async function exportFilesystem({ response, params, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  response.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await exportContainer(store, record, response, { end: true });
}

/** A TTY container's terminal takes the size; one without a TTY has nothing to resize, which is no error. */
async function resize({ response, params, query, store }: ApiRequest): Promise<void> {
  const size = { height: terminalDimension(query, 'h', 'height'), width: terminalDimension(query, 'w', 'width') };
  const record = resolveContainer(store, params[0]);
  if (!isRunning(record)) throw new ConflictError(`container ${record.id} is not running`);
  if (record.settings.config.Tty === true) await resizeTerminal(containerDir(store, record.id), size);
  recordContainerEvent(store, record, 'resize', { height: String(size.height), width: String(size.width) });
  response.writeHead(200).end();
}

export const CONTAINER_ADMIN_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/containers\/prune$/, handler: prune },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/restart$/, handler: restart },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/rename$/, handler: rename },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/pause$/, handler: pause },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/unpause$/, handler: unpause },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/update$/, handler: update },
  { method: 'GET', pattern: /^\/containers\/([^/]+)\/top$/, handler: top },
  { method: 'GET', pattern: /^\/containers\/([^/]+)\/stats$/, handler: stats },
  { method: 'GET', pattern: /^\/containers\/([^/]+)\/changes$/, handler: changes },
  { method: 'GET', pattern: /^\/containers\/([^/]+)\/export$/, handler: exportFilesystem },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/resize$/, handler: resize },
];
