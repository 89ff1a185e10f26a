// The Docker Engine API on a unix socket (`wharf serve`): the real docker CLI and Docker's SDKs drive the same core
// as wharf's own CLI. Lifecycle: startEngineApi(socket) → requests, each against the shared store → close().
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmod, rm } from 'node:fs/promises';
import type { Store } from '../store/store.ts';
import { ApiError, refuseUpgrade, sendError } from './api-errors.ts';
import { findRoute, type Route } from './api-routes.ts';
import { takeAttach } from './container-attach.ts';
import { CONTAINER_ADMIN_ROUTES } from './container-admin-routes.ts';
import { CONTAINER_ROUTES } from './container-routes.ts';
import { EXEC_ROUTES, takeExecStart } from './exec-routes.ts';
import { AUTH_ROUTES } from './registry-auth.ts';
import { ARCHIVE_ROUTES } from './archive-routes.ts';
import { BUILD_ROUTES } from './build-route.ts';
import { DISK_USAGE_ROUTES } from './disk-usage-route.ts';
import { EVENT_ROUTES } from './events-route.ts';
import { IMAGE_ROUTES } from './image-routes.ts';
import { API_VERSION, isOlderApiVersion, MIN_API_VERSION } from './api-version.ts';
import { SYSTEM_ROUTES } from './system-routes.ts';
import { VOLUME_ROUTES } from './volume-routes.ts';
import { NETWORK_ROUTES } from './network-routes.ts';

const ROUTES: Route[] = [...SYSTEM_ROUTES, ...DISK_USAGE_ROUTES, ...AUTH_ROUTES, ...IMAGE_ROUTES, ...CONTAINER_ROUTES, ...CONTAINER_ADMIN_ROUTES, ...ARCHIVE_ROUTES, ...EXEC_ROUTES, ...BUILD_ROUTES, ...EVENT_ROUTES, ...VOLUME_ROUTES, ...NETWORK_ROUTES];

export interface EngineApi {
  socket: string;
  close(): Promise<void>;
}

export async function startEngineApi(socket: string, store: Store, dataRoot: string): Promise<EngineApi> {
  const server = createServer((request, response) => void serve(request, response, store, dataRoot));
  // an attach or an exec's start hijacks its connection; no other request may
  server.on('upgrade', (request, socket, head) => {
    // a client that goes away mid-stream is no failure of the server's
    socket.on('error', () => undefined);
    let path: string;
    try {
      path = withoutVersion(new URL(request.url ?? '/', 'http://wharf').pathname);
    } catch (error) {
      return refuseUpgrade(socket, error);
    }
    if (!takeAttach(path, request, socket, head, store) && !takeExecStart(path, request, socket, head, store)) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  // a socket file left by a server that was killed would refuse the bind
  await rm(socket, { force: true });
  await listen(server, socket);
  // as dockerd's socket: root and the socket's group may connect
  await chmod(socket, 0o660);
  return { socket, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function listen(server: Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function serve(request: IncomingMessage, response: ServerResponse, store: Store, dataRoot: string): Promise<void> {
  try {
    const url = new URL(request.url ?? '/', 'http://wharf');
    const path = withoutVersion(url.pathname);
    const found = findRoute(ROUTES, request.method ?? 'GET', path);
    if (found === undefined) throw new ApiError(404, 'page not found');
    if (found === 'wrong-method') throw new ApiError(405, `${request.method} is not allowed on ${path}`);
    await found.route.handler({ request, response, query: url.searchParams, params: found.params, store, dataRoot });
  } catch (error) {
    sendError(response, error);
  }
}

/** `/v1.47/images/json` → `/images/json`, refusing versions this server does not speak, in Docker's words. */
function withoutVersion(pathname: string): string {
  const match = /^\/v(\d+\.\d+)(\/.*)$/.exec(pathname);
  if (!match) return pathname;
  const [, version, rest] = match;
  if (isOlderApiVersion(API_VERSION, version)) throw new ApiError(400, `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  if (isOlderApiVersion(version, MIN_API_VERSION)) throw new ApiError(400, `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  return rest;
}
