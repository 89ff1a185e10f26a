// `docker cp` through the Engine API: a container path's stat (HEAD), its tar (GET) and a tar extracted into a
// directory (PUT) of …/archive. The docker CLI does the renaming itself, from the stat it asked for first.
import { archiveFromContainer, extractInContainerDir, type PathStat, statInContainer } from '../runtime/containers/container-copy.ts';
import { queryFlag } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function statHeader(stat: PathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

async function stat({ response, params, query, store }: ApiRequest): Promise<void> {
  const found = await statInContainer(store, params[0], query.get('path') ?? '');
  response.writeHead(200, { [STAT_HEADER]: statHeader(found) }).end();
}

async function archive({ response, params, query, store }: ApiRequest): Promise<void> {
  const path = query.get('path') ?? '';
  const found = await statInContainer(store, params[0], path);
  response.writeHead(200, { 'Content-Type': 'application/x-tar', [STAT_HEADER]: statHeader(found) });
  await archiveFromContainer(store, params[0], path, response, { followLink: false });
  response.end();
}

async function extract({ request, response, params, query, store }: ApiRequest): Promise<void> {
  await extractInContainerDir(store, params[0], request, query.get('path') ?? '', { keepOwners: queryFlag(query, 'copyUIDGID') });
  response.writeHead(200).end();
}

export const ARCHIVE_ROUTES: Route[] = [
  { method: 'HEAD', pattern: /^\/containers\/([^/]+)\/archive$/, handler: stat },
  { method: 'GET', pattern: /^\/containers\/([^/]+)\/archive$/, handler: archive },
  { method: 'PUT', pattern: /^\/containers\/([^/]+)\/archive$/, handler: extract },
];
