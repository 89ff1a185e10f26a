// Container routes of the Engine API over the same core as the CLI: create, start, stop, kill, wait, remove, list, inspect, logs, commit.
import { setTimeout as sleep } from 'node:timers/promises';
import { containerDir, type ContainerRecord, getContainer, listContainers, resolveContainer } from '../runtime/containers/container-store.ts';
import { commandText, stateString, statusText } from '../runtime/containers/container-texts.ts';
import { commitContainer } from '../runtime/containers/commit-container.ts';
import { createContainer } from '../runtime/containers/create.ts';
import { inspectContainer, networkEndpoints } from '../runtime/containers/inspect.ts';
import { removeContainer, runEnded, stopContainer, waitForExit } from '../runtime/containers/lifecycle.ts';
import { containerSize } from '../runtime/containers/disk-usage.ts';
import { containerMatcher } from '../runtime/containers/list-filters.ts';
import { type LogEntry, LogReader } from '../runtime/containers/log-reader.ts';
import { isRunning, signalContainer } from '../runtime/containers/signal.ts';
import { startContainer } from '../runtime/containers/start.ts';
import { waitForExitStatus, waitForStart } from '../runtime/monitor/attach-client.ts';
import { logFileName } from '../runtime/monitor/monitor-plan.ts';
import { jsonBody } from './api-body.ts';
import { ApiError, sendJson } from './api-errors.ts';
import { isOlderApiVersion, requestedApiVersion } from './api-version.ts';
import { queryFilters, queryFlag } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';
import { streamUntilExit, waitingAttach } from './container-attach.ts';
import { type CreateBody, createOptionsOf } from './container-create.ts';
import { framed } from './stream-frames.ts';

const POLL_MS = 50;

/** Docker's ContainerSummary, as `docker ps` reads it; with `size`, SizeRw and SizeRootFs (`docker ps -s`). */
export function containerSummary(record: ContainerRecord, now: number, size?: { rw: number; rootFs: number }): Record<string, unknown> {
  return {
    ...(size ? { SizeRw: size.rw, SizeRootFs: size.rootFs } : {}),
    Id: record.id,
    Names: [`/${record.name}`],
    Image: record.imageName,
    ImageID: record.imageId,
    Command: commandText(record),
    Created: Math.floor(Date.parse(record.created) / 1000),
    Ports: (record.network?.ports ?? []).map((port) => ({ IP: port.hostIp, PrivatePort: port.containerPort, PublicPort: port.hostPort, Type: port.protocol })),
    Labels: record.settings.config.Labels ?? {},
    State: stateString(record),
    Status: statusText(record, now),
    HostConfig: { NetworkMode: record.settings.hostConfig.NetworkMode },
    NetworkSettings: { Networks: networkEndpoints(record) },
    Mounts: [],
  };
}

function list({ response, query, store }: ApiRequest): void {
  const filters = queryFilters(query);
  const all = queryFlag(query, 'all') || filters.some((filter) => /^(status|exited)=/.test(filter));
  const limit = Number(query.get('limit') ?? -1);
  let records = listContainers(store).filter((record) => all || isRunning(record)).filter(containerMatcher(store, filters));
  if (limit > 0) records = records.slice(0, limit);
  const now = Date.now();
  const withSize = queryFlag(query, 'size');
  sendJson(response, 200, records.map((record) => containerSummary(record, now, withSize ? containerSize(store, record) : undefined)));
}

function inspect({ response, params, store }: ApiRequest): void {
  sendJson(response, 200, inspectContainer(store, resolveContainer(store, params[0])));
}

async function create({ request, response, query, store }: ApiRequest): Promise<void> {
  const body = await jsonBody<CreateBody>(request);
  const endpoints = Object.keys(body.NetworkingConfig?.EndpointsConfig ?? {});
  // dockerd before API 1.44 takes one network at create, the others by connect
  if (endpoints.length > 1 && isOlderApiVersion(requestedApiVersion(request), '1.44')) throw new ApiError(400, `Container cannot be connected to network endpoints: ${endpoints.join(', ')}`);
  const created = await createContainer(store, createOptionsOf(body, query.get('name') || undefined), process.env);
  sendJson(response, 201, { Id: created.id, Warnings: [] });
}

/** 204 once started, 304 when it already runs, as dockerd answers. */
async function start({ response, params, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  if (isRunning(record)) return void response.writeHead(304).end();
  const attach = waitingAttach(record.id);
  const dir = containerDir(store, record.id);
  await startContainer(store, record, { waitForAttach: attach !== undefined });
  if (attach) void streamUntilExit(dir, attach);
  // answered once the runtime has the process, or has failed to start it (a command not found), as dockerd answers
  const status = await waitForStart(dir);
  if (status.error) throw new ApiError(400, status.error);
  response.writeHead(204).end();
}

async function stop({ response, params, query, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  if (!isRunning(record)) return void response.writeHead(304).end();
  await stopContainer(store, record, stopOptionsOf(query));
  response.writeHead(204).end();
}

/** A stop's or a restart's query: `t` seconds (the container's own timeout when absent) and `signal` (API 1.42). */
export function stopOptionsOf(query: URLSearchParams): { timeoutSeconds?: number; signal?: string } {
  const timeout = query.get('t');
  return { timeoutSeconds: timeout ? Number(timeout) : undefined, signal: query.get('signal') || undefined };
}

function kill({ response, params, query, store }: ApiRequest): void {
  signalContainer(store, resolveContainer(store, params[0]), query.get('signal') || 'SIGKILL', params[0]);
  response.writeHead(204).end();
}

/**
 * `condition`: not-running (the default), next-exit (a run that starts after the call), or removed. The status line
 * goes out at once: the docker CLI starts a container only once its wait is in place, so it cannot miss the exit.
 */
async function wait({ response, params, query, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  const condition = query.get('condition') || 'not-running';
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.flushHeaders();
  // the docker CLI asks for next-exit, or removed for an --rm container, before the start
  if (condition !== 'not-running' && !isRunning(record)) await untilStartedAfter(store, record);
  // the monitor tells the exit even of an --rm container, whose record goes with it
  const told = await waitForExitStatus(containerDir(store, record.id)).catch(() => undefined);
  const final = await waitForExit(store, record.id);
  if (condition === 'removed') while (getContainer(store, record.id)) await sleep(POLL_MS);
  const exitCode = final?.exitCode ?? told?.exitCode ?? record.exitCode ?? 0;
  const error = final?.error ?? told?.error;
  response.end(`${JSON.stringify({ StatusCode: exitCode, Error: error ? { Message: error } : null })}\n`);
}

async function untilStartedAfter(store: ApiRequest['store'], record: ContainerRecord): Promise<void> {
  for (;;) {
    const current = getContainer(store, record.id);
    if (!current || isRunning(current) || current.startedAt !== record.startedAt) return;
    await sleep(POLL_MS);
  }
}

async function remove({ response, params, query, store }: ApiRequest): Promise<void> {
  await removeContainer(store, resolveContainer(store, params[0]), { force: queryFlag(query, 'force'), removeVolumes: queryFlag(query, 'v') });
  response.writeHead(204).end();
}

/**
 * The json-file log: raw for a TTY container, else in Docker's multiplexed frames, which the docker CLI splits into
 * its stdout and stderr.
 */
async function logs({ response, params, query, store }: ApiRequest): Promise<void> {
  const record = resolveContainer(store, params[0]);
  const streams = new Set([queryFlag(query, 'stdout') && 'stdout', queryFlag(query, 'stderr') && 'stderr']);
  const since = Number(query.get('since') ?? 0) * 1000;
  const until = Number(query.get('until') ?? 0) * 1000 || Infinity;
  const tail = query.get('tail');
  const timestamps = queryFlag(query, 'timestamps');
  const tty = record.settings.config.Tty === true;
  response.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
  const send = (entry: LogEntry) => {
    const time = Date.parse(entry.time);
    if (!streams.has(entry.stream) || time < since || time > until) return;
    const payload = Buffer.from(timestamps ? `${entry.time} ${entry.log}` : entry.log);
    response.write(tty ? payload : framed(entry.stream, payload));
  };
  const reader = new LogReader(`${containerDir(store, record.id)}/${logFileName(record.id)}`);
  const entries = reader.read();
  const count = tail === null || tail === 'all' || tail === '' ? entries.length : Number(tail);
  entries.slice(entries.length - Math.min(count, entries.length)).forEach(send);
  while (queryFlag(query, 'follow') && !response.destroyed) {
    const ended = runEnded(getContainer(store, record.id));
    reader.read().forEach(send);
    if (ended) break;
    await sleep(POLL_MS);
  }
  response.end();
}

/** `docker commit`: the container, the name (repo and tag), author, comment, `changes` (repeated) and `pause` in the query. */
async function commit({ request, response, query, store }: ApiRequest): Promise<void> {
  request.resume();
  const record = resolveContainer(store, query.get('container') ?? '');
  const repo = query.get('repo') ?? '';
  const tag = query.get('tag') ?? '';
  const id = await commitContainer(store, record, {
    author: query.get('author') || undefined,
    message: query.get('comment') || undefined,
    changes: query.getAll('changes').filter(Boolean),
    tag: repo ? (tag ? `${repo}:${tag}` : repo) : undefined,
    // pausing is the default, as with dockerd: only a value that says no turns it off
    pause: !query.get('pause') || queryFlag(query, 'pause'),
  });
  sendJson(response, 201, { Id: id });
}

export const CONTAINER_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/commit$/, handler: commit },
  { method: 'GET', pattern: /^\/containers\/json$/, handler: list },
  { method: 'POST', pattern: /^\/containers\/create$/, handler: create },
  { method: 'GET', pattern: /^\/containers\/([^/]+)\/json$/, handler: inspect },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/start$/, handler: start },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/stop$/, handler: stop },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/kill$/, handler: kill },
  { method: 'POST', pattern: /^\/containers\/([^/]+)\/wait$/, handler: wait },
  { method: 'GET', pattern: /^\/containers\/([^/]+)\/logs$/, handler: logs },
  { method: 'DELETE', pattern: /^\/containers\/([^/]+)$/, handler: remove },
];
