// Upload endpoints: POST (session, monolithic, mount), PATCH chunks, PUT to finish, GET status, DELETE to cancel.
import type { IncomingMessage } from 'node:http';
import { RegistryError } from './error-codes.ts';
import { hasBody, reply } from './http-io.ts';
import type { RequestContext } from './request-context.ts';
import { checkDigest, checkName } from './router.ts';

export async function startUpload(context: RequestContext, name: string): Promise<void> {
  const { req, res, registry, query } = context;
  const mount = query.get('mount');
  if (mount !== null) {
    const digest = checkDigest(mount);
    const from = query.get('from');
    if (from !== null && (await registry.blobs.mount(name, checkName(from), digest))) return blobCreated(context, name, digest);
  }
  const digest = query.get('digest');
  const id = await registry.uploads.start(name);
  if (digest !== null) {
    await registry.uploads.finish(name, id, checkDigest(digest), req);
    return blobCreated(context, name, digest);
  }
  req.resume();
  reply(res, 202, uploadHeaders(name, id, 0));
}

export async function patchUpload(context: RequestContext, name: string, id: string): Promise<void> {
  const { req, res, registry } = context;
  const start = chunkStart(req);
  const offset = await registry.uploads.append(name, id, req, start);
  reply(res, 202, uploadHeaders(name, id, offset));
}

export async function finishUpload(context: RequestContext, name: string, id: string): Promise<void> {
  const { req, registry, query } = context;
  const value = query.get('digest');
  if (value === null) throw new RegistryError('DIGEST_INVALID', { message: 'digest parameter missing' });
  const digest = checkDigest(value);
  await registry.uploads.finish(name, id, digest, hasBody(req) ? req : undefined);
  blobCreated(context, name, digest);
}

export async function uploadStatus(context: RequestContext, name: string, id: string): Promise<void> {
  const offset = await context.registry.uploads.offset(name, id);
  reply(context.res, 204, uploadHeaders(name, id, offset));
}

export async function cancelUpload(context: RequestContext, name: string, id: string): Promise<void> {
  await context.registry.uploads.cancel(name, id);
  reply(context.res, 204);
}

function blobCreated(context: RequestContext, name: string, digest: string): void {
  context.req.resume();
  reply(context.res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}

/** The spec's Range is inclusive, `0-<last byte>`; distribution and clients read an empty upload as `0-0`. */
function uploadHeaders(name: string, id: string, offset: number): Record<string, string> {
  return { Location: `/v2/${name}/blobs/uploads/${id}`, Range: `0-${Math.max(0, offset - 1)}`, 'Docker-Upload-UUID': id };
}

/** A chunk's Content-Range start (`start-end`, inclusive); its length must match Content-Length when both are sent. */
function chunkStart(req: IncomingMessage): number | undefined {
  const header = req.headers['content-range'];
  if (header === undefined) return undefined;
  const match = /^(?:bytes )?(\d+)-(\d+)$/.exec(header.trim());
  if (!match) throw new RegistryError('RANGE_INVALID', { detail: { range: header } });
  const [start, end] = [Number(match[1]), Number(match[2])];
  const length = req.headers['content-length'];
  if (end < start || (length !== undefined && Number(length) !== end - start + 1)) throw new RegistryError('RANGE_INVALID', { detail: { range: header } });
  return start;
}
