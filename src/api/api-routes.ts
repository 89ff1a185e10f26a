// The Engine API's route table: a method and a path pattern per handler, matched after the `/v1.xx` prefix.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/store.ts';

export interface ApiRequest {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
  /** The pattern's captures, e.g. an image name that may hold slashes and a tag. */
  params: string[];
  store: Store;
  dataRoot: string;
}

export type ApiHandler = (api: ApiRequest) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  pattern: RegExp;
  handler: ApiHandler;
}

export function findRoute(routes: Route[], method: string, path: string): { route: Route; params: string[] } | 'wrong-method' | undefined {
  let pathKnown = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathKnown = true;
    if (route.method === method) return { route, params: match.slice(1).map(decodeURIComponent) };
  }
  return pathKnown ? 'wrong-method' : undefined;
}
