// Network routes of the Engine API: the built-in networks (bridge, host, none) and user-defined bridge networks: list,
// inspect, create, remove and prune; connect and disconnect of a container, live when it runs.
import { containerName } from '../runtime/network/container-names.ts';
import { builtinNetworks, createNetwork, findNetwork, inspectNetwork, networkFilter, pruneNetworks, removeNetwork } from '../runtime/network/networks.ts';
import { connectContainer, disconnectContainer } from '../runtime/containers/network-connect.ts';
import { jsonBody } from './api-body.ts';
import { ApiError, sendJson } from './api-errors.ts';
import { queryFilters } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';

async function list({ response, query, store }: ApiRequest): Promise<void> {
  const keep = networkFilter(queryFilters(query));
  const networks = (await builtinNetworks(store)).filter(keep);
  // since API 1.28 dockerd lists networks without their containers; inspect shows them
  sendJson(response, 200, networks.map((network) => ({ ...inspectNetwork(store, network, () => ''), Containers: {} })));
}

async function inspect({ response, params, store }: ApiRequest): Promise<void> {
  sendJson(response, 200, inspectNetwork(store, await findNetwork(store, params[0]), (id) => containerName(store, id)));
}

interface CreateBody {
  Name?: string;
  Driver?: string;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null } | null;
  Labels?: Record<string, string> | null;
}

async function create({ request, response, store }: ApiRequest): Promise<void> {
  const body = await jsonBody<CreateBody>(request);
  const name = body.Name ?? '';
  if (!name) throw new ApiError(400, 'network name must not be empty');
  const config = body.IPAM?.Config?.[0];
  const network = await createNetwork(store, { name, driver: body.Driver, subnet: config?.Subnet || undefined, gateway: config?.Gateway || undefined, labels: body.Labels ?? {} });
  sendJson(response, 201, { Id: network.id, Warning: '' });
}

async function remove({ params, response, store }: ApiRequest): Promise<void> {
  await removeNetwork(store, params[0]);
  response.writeHead(204).end();
}

/** User-defined networks no container is attached to; built-in ones are never pruned. */
async function prune({ response, store }: ApiRequest): Promise<void> {
  const names = await pruneNetworks(store);
  sendJson(response, 200, { NetworksDeleted: names.length > 0 ? names : null });
}

interface ConnectBody {
  Container?: string;
  EndpointConfig?: { Aliases?: string[] | null } | null;
  Force?: boolean;
}

async function connect({ request, response, params, store }: ApiRequest): Promise<void> {
  const body = await jsonBody<ConnectBody>(request);
  if (!body.Container) throw new ApiError(400, 'container is required');
  await connectContainer(store, params[0], body.Container, body.EndpointConfig?.Aliases ?? []);
  response.writeHead(200).end();
}

async function disconnect({ request, response, params, store }: ApiRequest): Promise<void> {
  const body = await jsonBody<ConnectBody>(request);
  if (!body.Container) throw new ApiError(400, 'container is required');
  await disconnectContainer(store, params[0], body.Container);
  response.writeHead(200).end();
}

export const NETWORK_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/networks$/, handler: list },
  { method: 'POST', pattern: /^\/networks\/create$/, handler: create },
  { method: 'POST', pattern: /^\/networks\/prune$/, handler: prune },
  { method: 'POST', pattern: /^\/networks\/([^/]+)\/connect$/, handler: connect },
  { method: 'POST', pattern: /^\/networks\/([^/]+)\/disconnect$/, handler: disconnect },
  { method: 'GET', pattern: /^\/networks\/([^/]+)$/, handler: inspect },
  { method: 'DELETE', pattern: /^\/networks\/([^/]+)$/, handler: remove },
];
