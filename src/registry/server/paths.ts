// Every storage path of the registry, in one place: handlers and services never build a path themselves.
//
// <root>/
//   blobs/<alg>/<hex[0:2]>/<hex>/data                    content by digest: layers, configs, manifests (immutable)
//   repositories/<name>/                                 <name> may hold slashes; its components never start with `_`
//     _layers/<alg>/<hex>/link                           the blob belongs to this repository
//     _manifests/revisions/<alg>/<hex>/link              the manifest belongs to this repository
//     _manifests/tags/<tag>/link                         the tag's manifest digest
//     _referrers/<alg>/<subject-hex>/<alg>/<hex>/link    a manifest of this repository whose subject is that digest
//     _uploads/<uuid>/data                               an upload's bytes so far (its size is the upload's offset)
//     _uploads/<uuid>/startedat                          when the upload began (ISO 8601)
//
// A link holds the digest it names. Paths are relative to the driver's root and always use `/`.
import { digestAlgorithm, digestHex, type Digest } from '../../digest/digest.ts';

export const BLOBS = 'blobs';
export const REPOSITORIES = 'repositories';

export function blobDir(digest: Digest): string {
  const hex = digestHex(digest);
  return `${BLOBS}/${digestAlgorithm(digest)}/${hex.slice(0, 2)}/${hex}`;
}

export function blobDataPath(digest: Digest): string {
  return `${blobDir(digest)}/data`;
}

export function repositoryDir(name: string): string {
  return `${REPOSITORIES}/${name}`;
}

export function layerDir(name: string, digest: Digest): string {
  return `${repositoryDir(name)}/_layers/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

export function layerLinkPath(name: string, digest: Digest): string {
  return `${layerDir(name, digest)}/link`;
}

export function layersDir(name: string): string {
  return `${repositoryDir(name)}/_layers`;
}

export function manifestRevisionsDir(name: string): string {
  return `${repositoryDir(name)}/_manifests/revisions`;
}

export function manifestRevisionDir(name: string, digest: Digest): string {
  return `${manifestRevisionsDir(name)}/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

export function manifestRevisionLinkPath(name: string, digest: Digest): string {
  return `${manifestRevisionDir(name, digest)}/link`;
}

export function tagsDir(name: string): string {
  return `${repositoryDir(name)}/_manifests/tags`;
}

export function tagDir(name: string, tag: string): string {
  return `${tagsDir(name)}/${tag}`;
}

export function tagLinkPath(name: string, tag: string): string {
  return `${tagDir(name, tag)}/link`;
}

export function referrersDir(name: string, subject: Digest): string {
  return `${repositoryDir(name)}/_referrers/${digestAlgorithm(subject)}/${digestHex(subject)}`;
}

export function referrerDir(name: string, subject: Digest, digest: Digest): string {
  return `${referrersDir(name, subject)}/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

export function referrerLinkPath(name: string, subject: Digest, digest: Digest): string {
  return `${referrerDir(name, subject, digest)}/link`;
}

export function uploadsDir(name: string): string {
  return `${repositoryDir(name)}/_uploads`;
}

export function uploadDataPath(name: string, id: string): string {
  return `${uploadsDir(name)}/${id}/data`;
}

export function uploadStartedAtPath(name: string, id: string): string {
  return `${uploadsDir(name)}/${id}/startedat`;
}

export function uploadDir(name: string, id: string): string {
  return `${uploadsDir(name)}/${id}`;
}

/** Directory names under a repository that hold its data rather than deeper repository components. */
export const REPOSITORY_DATA_DIRS = new Set(['_layers', '_manifests', '_referrers', '_uploads']);
