// Network routes of the Engine API over wharf's built-in networks (bridge, host, none): list, inspect, and dockerd's
// answers to creating, removing and pruning, which wharf has no user-defined networks for.
import { containerName } from '../runtime/network/container-names.ts';
import { builtinNetworks, findNetwork, inspectNetwork, networkFilter } from '../runtime/network/networks.ts';
import { jsonBody } from './api-body.ts';
import { ApiError, sendJson } from './api-errors.ts';
import { queryFilters } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';

/** The names dockerd keeps for its own networks (`default` is the bridge). */
const PREDEFINED = ['bridge', 'host', 'none', 'default'];

async function list({ response, query, store }: ApiRequest): Promise<void> {
  const keep = networkFilter(queryFilters(query));
  const networks = (await builtinNetworks(store)).filter(keep);
  // since API 1.28 dockerd lists networks without their containers; inspect shows them
  sendJson(response, 200, networks.map((network) => ({ ...inspectNetwork(store, network, () => ''), Containers: {} })));
}

async function inspect({ response, params, store }: ApiRequest): Promise<void> {
  sendJson(response, 200, inspectNetwork(store, await findNetwork(store, params[0]), (id) => containerName(store, id)));
}

async function create({ request }: ApiRequest): Promise<void> {
  const { Name } = await jsonBody<{ Name?: string }>(request);
  // dockerd's text, trailing space and all
  if (PREDEFINED.includes(Name ?? '')) throw new ApiError(403, `operation is not permitted on predefined ${Name} network `);
  throw new ApiError(501, 'user-defined networks are not supported by wharf: only bridge, host and none exist');
}

async function remove({ params, store }: ApiRequest): Promise<void> {
  const network = await findNetwork(store, params[0]);
  throw new ApiError(403, `${network.name} is a pre-defined network and cannot be removed`);
}

/** Built-in networks are never pruned, and there are no others: dockerd's answer when nothing went. */
function prune({ response }: ApiRequest): void {
  sendJson(response, 200, { NetworksDeleted: null });
}

export const NETWORK_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/networks$/, handler: list },
  { method: 'POST', pattern: /^\/networks\/create$/, handler: create },
  { method: 'POST', pattern: /^\/networks\/prune$/, handler: prune },
  { method: 'GET', pattern: /^\/networks\/([^/]+)$/, handler: inspect },
  { method: 'DELETE', pattern: /^\/networks\/([^/]+)$/, handler: remove },
];
