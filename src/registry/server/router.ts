// Maps a request path to a route of the Distribution API, validating names, digests and tags on the way in.
import { isDigest, type Digest } from '../../digest/digest.ts';
import { isRepositoryPath, isTag } from '../../reference/reference.ts';
import { RegistryError } from './error-codes.ts';

export type Route =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: Digest }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: Digest };

const PATTERNS: Array<[RegExp, (name: string, param: string) => Route]> = [
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (name, reference) => ({ kind: 'manifest', name, reference: checkReference(reference) })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/, (name, id) => ({ kind: 'upload', name, id })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (name, digest) => ({ kind: 'blob', name, digest: checkDigest(digest) })],
  [/^\/v2\/(.+)\/tags\/list$/, (name) => ({ kind: 'tags', name })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, (name, digest) => ({ kind: 'referrers', name, digest: checkDigest(digest) })],
];

/** The route, or undefined for a path outside the API (404). */
export function route(pathname: string): Route | undefined {
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'base' };
  if (pathname === '/v2/_catalog') return { kind: 'catalog' };
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    checkName(match[1]);
    return build(match[1], match[2]);
  }
  return undefined;
}

export function checkName(name: string): string {
  if (!isRepositoryPath(name)) throw new RegistryError('NAME_INVALID', { detail: { name: name.slice(0, 300) } });
  return name;
}

export function checkDigest(digest: string): Digest {
  if (!isDigest(digest)) throw new RegistryError('DIGEST_INVALID', { message: 'invalid digest', detail: { digest: digest.slice(0, 200) } });
  return digest;
}

function checkReference(reference: string): string {
  if (reference.includes(':')) return checkDigest(reference);
  if (!isTag(reference)) throw new RegistryError('TAG_INVALID', { message: 'invalid tag', detail: { tag: reference.slice(0, 200) } });
  return reference;
}
