// Manifest endpoints: GET/HEAD with content negotiation, PUT (validated, 4 MiB), DELETE by digest or tag.
import type { IncomingMessage } from 'node:http';
import { RegistryError } from './error-codes.ts';
import { readBody, reply } from './http-io.ts';
import { MAX_MANIFEST_BYTES } from './manifest-format.ts';
import type { RequestContext } from './request-context.ts';

export async function getManifest(context: RequestContext, name: string, reference: string): Promise<void> {
  const { req, res, registry } = context;
  const manifest = await registry.manifests.get(name, reference);
  if (!accepts(req, manifest.mediaType)) {
    throw new RegistryError('MANIFEST_UNKNOWN', { message: `manifest is ${manifest.mediaType}, which the Accept header excludes` });
  }
  const headers = { 'Content-Type': manifest.mediaType, 'Docker-Content-Digest': manifest.digest, ETag: `"${manifest.digest}"`, 'Content-Length': manifest.bytes.length };
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : manifest.bytes);
}

export async function putManifest(context: RequestContext, name: string, reference: string): Promise<void> {
  const { req, res, registry } = context;
  const tooLarge = () => new RegistryError('MANIFEST_INVALID', { status: 413, message: `manifest invalid: larger than ${MAX_MANIFEST_BYTES} bytes` });
  const bytes = await readBody(req, MAX_MANIFEST_BYTES, tooLarge);
  const { digest, subject } = await registry.manifests.put(name, reference, bytes, req.headers['content-type']);
  reply(res, 201, { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest, ...(subject ? { 'OCI-Subject': subject } : {}) });
}

export async function deleteManifest(context: RequestContext, name: string, reference: string): Promise<void> {
  if (!context.registry.deleteEnabled) throw new RegistryError('UNSUPPORTED', { message: 'deletion is disabled' });
  await context.registry.manifests.delete(name, reference);
  reply(context.res, 202);
}

/** No Accept header, a wildcard, or the manifest's own type listed. */
function accepts(req: IncomingMessage, mediaType: string): boolean {
  const header = req.headers.accept;
  if (!header) return true;
  const types = header.split(',').map((part) => part.split(';')[0].trim());
  return types.some((type) => type === mediaType || type === '*/*' || type === 'application/*' || type === '');
}
