// Volume routes of the Engine API over the same core as `wharf volume`: list, create, inspect, remove, prune.
import { InvalidArgumentError } from '../errors.ts';
import { volumeFilter } from '../runtime/volumes/volume-filter.ts';
import { createVolume, getVolume, inspectVolume, listVolumes, pruneVolumes, removeVolume } from '../runtime/volumes/volume-store.ts';
import { jsonBody } from './api-body.ts';
import { sendJson } from './api-errors.ts';
import { queryFilters, queryFlag } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';
import { isOlderApiVersion, requestedApiVersion } from './api-version.ts';

interface CreateBody {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

function list({ response, query, store }: ApiRequest): void {
  const keep = volumeFilter(store, queryFilters(query));
  sendJson(response, 200, { Volumes: listVolumes(store).filter(keep).map(inspectVolume), Warnings: null });
}

async function create({ request, response, store }: ApiRequest): Promise<void> {
  const body = await jsonBody<CreateBody>(request, {});
  const { volume } = createVolume(store, {
    name: body.Name || undefined,
    driver: body.Driver || undefined,
    labels: body.Labels ?? undefined,
    options: body.DriverOpts ?? undefined,
    // dockerd marks a volume it had to name as anonymous, so a plain prune takes it
    anonymous: !body.Name,
  });
  sendJson(response, 201, inspectVolume(volume));
}

function inspect({ response, params, store }: ApiRequest): void {
  sendJson(response, 200, inspectVolume(getVolume(store, params[0])));
}

function remove({ response, query, params, store }: ApiRequest): void {
  removeVolume(store, params[0], { force: queryFlag(query, 'force') });
  response.writeHead(204).end();
}

function prune({ request, response, query, store }: ApiRequest): void {
  const filters = queryFilters(query);
  const { names, reclaimedBytes } = pruneVolumes(store, {
    // since API 1.42 only anonymous volumes go unless `all` says so; older clients cannot say it, and lose every unused one
    all: pruneAll(filters) || isOlderApiVersion(requestedApiVersion(request), '1.42'),
    filter: volumeFilter(store, filters.filter((filter) => !filter.startsWith('all='))),
  });
  sendJson(response, 200, { VolumesDeleted: names, SpaceReclaimed: reclaimedBytes });
}

/** `docker volume prune -a`'s `all` filter, a Go boolean as dockerd parses it. */
function pruneAll(filters: string[]): boolean {
  const values = filters.filter((filter) => filter.startsWith('all=')).map((filter) => filter.slice('all='.length));
  for (const value of values) {
    if (!/^(1|t|true|0|f|false)$/i.test(value)) throw new InvalidArgumentError(`invalid filter 'all=${value}'`);
  }
  return values.some((value) => /^(1|t|true)$/i.test(value));
}

export const VOLUME_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/volumes$/, handler: list },
  { method: 'POST', pattern: /^\/volumes\/create$/, handler: create },
  { method: 'POST', pattern: /^\/volumes\/prune$/, handler: prune },
  { method: 'GET', pattern: /^\/volumes\/([^/]+)$/, handler: inspect },
  { method: 'DELETE', pattern: /^\/volumes\/([^/]+)$/, handler: remove },
];
