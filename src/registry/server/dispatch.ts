// Sends each request to its handler: route, read-only and deletion rules, the access it needs, then the handler.
import { RegistryError } from './error-codes.ts';
import { replyJson } from './http-io.ts';
import { deleteBlob, getBlob } from './blob-handlers.ts';
import { listCatalog, listReferrers, listTags } from './listing-handlers.ts';
import { deleteManifest, getManifest, putManifest } from './manifest-handlers.ts';
import type { RequestContext } from './request-context.ts';
import { checkName, route, type Route } from './router.ts';
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from './upload-handlers.ts';

/** One scope a request needs, as token scopes name it: `repository:team/app:pull`. */
export interface Access {
  type: 'repository' | 'registry';
  name: string;
  action: 'pull' | 'push' | 'delete' | '*';
}

/** Decides whether a request may go on; throws UNAUTHORIZED (with a challenge) or DENIED. */
export interface Authorizer {
  authorize(context: RequestContext, access: Access[]): Promise<void>;
}

type Handler = (context: RequestContext, route: Route) => Promise<void>;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function dispatch(context: RequestContext, pathname: string, authorizer?: Authorizer): Promise<void> {
  const target = route(pathname);
  if (!target) throw new RegistryError('UNSUPPORTED', { status: 404, message: 'not found' });
  const method = context.req.method ?? 'GET';
  const handler = handlerFor(target, method);
  if (!handler) throw new RegistryError('UNSUPPORTED', { message: `method ${method} not allowed` });
  await authorizer?.authorize(context, accessFor(target, method, context.query));
  if (context.registry.readOnly && WRITE_METHODS.has(method)) {
    throw new RegistryError('UNSUPPORTED', { message: 'registry is in read-only mode' });
  }
  await handler(context, target);
}

function handlerFor(target: Route, method: string): Handler | undefined {
  const read = method === 'GET' || method === 'HEAD';
  switch (target.kind) {
    case 'base':
      return read ? async ({ res }) => replyJson(res, 200, {}) : undefined;
    case 'catalog':
      return method === 'GET' ? (context) => listCatalog(context) : undefined;
    case 'tags':
      return method === 'GET' ? (context) => listTags(context, target.name) : undefined;
    case 'referrers':
      return method === 'GET' ? (context) => listReferrers(context, target.name, target.digest) : undefined;
    case 'blob':
      if (read) return (context) => getBlob(context, target.name, target.digest);
      return method === 'DELETE' ? (context) => deleteBlob(context, target.name, target.digest) : undefined;
    case 'manifest':
      if (read) return (context) => getManifest(context, target.name, target.reference);
      if (method === 'PUT') return (context) => putManifest(context, target.name, target.reference);
      return method === 'DELETE' ? (context) => deleteManifest(context, target.name, target.reference) : undefined;
    case 'upload':
      return uploadHandler(target.name, target.id, method);
  }
}

function uploadHandler(name: string, id: string, method: string): Handler | undefined {
  if (id === '') return method === 'POST' ? (context) => startUpload(context, name) : undefined;
  const handlers: Record<string, Handler> = {
    GET: (context) => uploadStatus(context, name, id),
    PATCH: (context) => patchUpload(context, name, id),
    PUT: (context) => finishUpload(context, name, id),
    DELETE: (context) => cancelUpload(context, name, id),
  };
  return handlers[method];
}

function accessFor(target: Route, method: string, query: URLSearchParams): Access[] {
  if (target.kind === 'base') return [];
  if (target.kind === 'catalog') return [{ type: 'registry', name: 'catalog', action: '*' }];
  const action = method === 'GET' || method === 'HEAD' ? 'pull' : method === 'DELETE' ? 'delete' : 'push';
  const access: Access[] = [{ type: 'repository', name: target.name, action }];
  // a push needs pull too, as distribution's clients ask for `pull,push`; a mount also reads its source
  if (action === 'push') access.unshift({ type: 'repository', name: target.name, action: 'pull' });
  const from = query.get('from');
  if (target.kind === 'upload' && from !== null && query.get('mount') !== null) access.push({ type: 'repository', name: checkName(from), action: 'pull' });
  return access;
}
