// What each handler is given: the request, the response, the registry and the query.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from './registry.ts';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  registry: Registry;
  query: URLSearchParams;
}
