// Image routes of the Engine API over the same core as the CLI: list, inspect, history, tag, remove, prune, save, load, pull, push, import, search.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { imageHistory } from '../images/history.ts';
import { importImage } from '../images/import.ts';
import { isImportUrl, openImportUrl } from '../images/import-url.ts';
import type { ImageRecord } from '../images/image-records.ts';
import { inspectImage, readConfig } from '../images/inspect.ts';
import { listImages } from '../images/list.ts';
import { loadArchive } from '../images/load.ts';
import { familiar } from '../images/names.ts';
import type { ProgressSink } from '../images/progress-message.ts';
import { pruneImages } from '../images/prune.ts';
import { pullImage } from '../images/pull.ts';
import { pushImage } from '../images/push.ts';
import { removeImage } from '../images/remove.ts';
import { resolveImage } from '../images/resolve.ts';
import { saveImages } from '../images/save.ts';
import { tagImage } from '../images/tag.ts';
import { RegistryAccess } from '../registry/client/registry-access.ts';
import { searchRepositories } from '../registry/client/search.ts';
import { requestCredentials } from './registry-auth.ts';
import type { Store } from '../store/store.ts';
import { ApiError, sendJson } from './api-errors.ts';
import { answerWithMessages } from './json-message-stream.ts';
import { queryFilters, queryFlag } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';

const unixSeconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) : 0);

/** Docker's ImageSummary; counts it does not compute without being asked for are -1, as its daemon sends them. */
export async function imageSummary(store: Store, record: ImageRecord): Promise<Record<string, unknown>> {
  const config = await readConfig(store, record.id);
  return {
    Containers: -1,
    Created: unixSeconds(record.created),
    Id: record.id,
    Labels: config.config?.Labels ?? null,
    ParentId: record.parent ?? '',
    RepoDigests: record.repoDigests.map(familiar),
    RepoTags: record.repoTags.map(familiar),
    SharedSize: -1,
    Size: record.size,
    // API 1.43 and older: docker 20.10's `system df` counts an image's size from it
    VirtualSize: record.size,
  };
}

async function list({ response, query, store }: ApiRequest): Promise<void> {
  const records = await listImages(store, { all: queryFlag(query, 'all'), filters: queryFilters(query) });
  sendJson(response, 200, await Promise.all(records.map((record) => imageSummary(store, record))));
}

async function inspect({ response, params, store }: ApiRequest): Promise<void> {
  sendJson(response, 200, await inspectImage(store, resolveImage(store, params[0]).id));
}

async function history({ response, params, store }: ApiRequest): Promise<void> {
  const rows = await imageHistory(store, resolveImage(store, params[0]).id);
  sendJson(response, 200, rows.map((row) => ({
    Id: row.id, Created: unixSeconds(row.created), CreatedBy: row.createdBy, Tags: row.tags.length ? row.tags.map(familiar) : null, Size: row.size, Comment: row.comment,
  })));
}

function tag({ response, params, query, store }: ApiRequest): void {
  const repository = query.get('repo') ?? '';
  const tagged = query.get('tag');
  tagImage(store, params[0], tagged ? `${repository}:${tagged}` : repository);
  response.writeHead(201).end();
}

function remove({ response, params, query, store }: ApiRequest): void {
  sendJson(response, 200, removeImage(store, params[0], { force: queryFlag(query, 'force'), prune: !queryFlag(query, 'noprune') }));
}

async function prune({ response, query, store }: ApiRequest): Promise<void> {
  const result = await pruneImages(store, { all: false, filters: queryFilters(query) });
  sendJson(response, 200, { ImagesDeleted: result.records.length ? result.records : null, SpaceReclaimed: result.reclaimedBytes });
}

/** The archive streams out as it is written; an error past its first bytes can only cut it short. */
async function save({ response, params, query, store }: ApiRequest): Promise<void> {
  const names = params.length ? [params[0]] : query.getAll('names');
  response.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await saveImages(store, names, response);
}

/** Docker's JSON message stream: one `{"stream": "Loaded image: …\n"}` per image. */
async function load({ request, response, store }: ApiRequest): Promise<void> {
  const messages = await loadArchive(store, request);
  response.writeHead(200, { 'Content-Type': 'application/json' });
  await pipeline(messages.map((message) => `${JSON.stringify({ stream: `${message}\n` })}\n`), response);
}

/** A pull or push, with the client's credentials (X-Registry-Auth), else the server's own (see registry-auth.ts). */
async function withProgressStream(request: IncomingMessage, response: ServerResponse, work: (access: RegistryAccess, onProgress: ProgressSink) => Promise<unknown>): Promise<void> {
  const access = new RegistryAccess({ credentials: requestCredentials(request.headers['x-registry-auth']) });
  try {
    await answerWithMessages(response, (send) => work(access, send));
  } finally {
    access.close();
  }
}

/** `docker pull` (`fromImage`, with `tag` a tag or a digest; none means every tag), or `docker import` (`fromSrc`). */
async function create(api: ApiRequest): Promise<void> {
  const { request, response, query, store } = api;
  if (query.get('fromSrc') !== null) return importFrom(api);
  const fromImage = query.get('fromImage');
  if (!fromImage) throw new ApiError(400, 'fromImage or fromSrc is required');
  const tag = query.get('tag') ?? '';
  const name = !tag ? fromImage : tag.includes(':') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
  const platform = query.get('platform') || undefined;
  await withProgressStream(request, response, (access, onProgress) => pullImage(store, name, { access, platform, allTags: !tag, onProgress }));
}

/**
 * `docker import`: the tarball is the body (`fromSrc=-`) or a URL the server fetches; `repo` may hold the tag itself,
 * as the CLI sends it. The new image's ID is the stream's one message, as dockerd answers.
 */
async function importFrom({ request, response, query, store }: ApiRequest): Promise<void> {
  const source = query.get('fromSrc')!;
  if (source !== '-' && !isImportUrl(source)) throw new ApiError(400, `fromSrc must be - (the request body) or an http(s) URL, not ${JSON.stringify(source)}`);
  const repository = query.get('repo') ?? '';
  const tag = query.get('tag') ?? '';
  const input = source === '-' ? request : await openImportUrl(source);
  await answerWithMessages(response, async (send) => {
    const id = await importImage(store, input, {
      source,
      tag: repository && tag ? `${repository}:${tag}` : repository || undefined,
      changes: query.getAll('changes'),
      message: query.get('message') || undefined,
      platform: query.get('platform') || undefined,
    });
    send({ status: id });
  });
}

/** `docker search`: Docker Hub's index, or a registry's own search or catalog, with the client's credentials. */
async function search({ request, response, query }: ApiRequest): Promise<void> {
  const results = await searchRepositories(query.get('term') ?? '', {
    limit: Number(query.get('limit') ?? 0) || 0,
    filters: queryFilters(query),
    indexServer: process.env.WHARF_INDEX_SERVER || undefined,
    credentials: requestCredentials(request.headers['x-registry-auth']),
  });
  sendJson(response, 200, results.map((result) => ({
    star_count: result.starCount, is_official: result.isOfficial, name: result.name, is_automated: result.isAutomated, description: result.description,
  })));
}

/** `docker push`: the repository in the path, the tag in the query (none means every tag). */
async function push({ request, response, params, query, store }: ApiRequest): Promise<void> {
  const tag = query.get('tag') ?? '';
  const name = tag ? `${params[0]}:${tag}` : params[0];
  await withProgressStream(request, response, (access, onProgress) => pushImage(store, name, { access, allTags: !tag, onProgress }));
}

export const IMAGE_ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/images\/create$/, handler: create },
  { method: 'GET', pattern: /^\/images\/json$/, handler: list },
  { method: 'GET', pattern: /^\/images\/search$/, handler: search },
  { method: 'GET', pattern: /^\/images\/get$/, handler: save },
  { method: 'POST', pattern: /^\/images\/load$/, handler: load },
  { method: 'POST', pattern: /^\/images\/prune$/, handler: prune },
  { method: 'GET', pattern: /^\/images\/(.+)\/json$/, handler: inspect },
  { method: 'GET', pattern: /^\/images\/(.+)\/history$/, handler: history },
  { method: 'GET', pattern: /^\/images\/(.+)\/get$/, handler: save },
  { method: 'POST', pattern: /^\/images\/(.+)\/tag$/, handler: tag },
  { method: 'POST', pattern: /^\/images\/(.+)\/push$/, handler: push },
  { method: 'DELETE', pattern: /^\/images\/(.+)$/, handler: remove },
];

