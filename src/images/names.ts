// Image names as the store keeps them (fully qualified) and as Docker prints them (familiar).
import { InvalidArgumentError } from '../errors.ts';
import { canonicalString, parseReference, withDefaultTag } from '../reference/reference.ts';

/** Normalises a name to tag an image with: `busybox` → `docker.io/library/busybox:latest`. */
export function tagName(input: string): string {
  const reference = withDefaultTag(parseReference(input));
  if (reference.digest) throw new InvalidArgumentError(`refusing to create a tag with a digest reference`);
  return canonicalString(reference);
}

/**
 * `docker.io/library/busybox:latest` → `busybox:latest`; `docker.io/team/app@sha256:…` → `team/app@sha256:…`.
 * Stored names are canonical and valid, so Docker's FamiliarString reduces to dropping two prefixes; parsing
 * each name again would dominate a thousand-image listing.
 */
export function familiar(canonical: string): string {
  if (!canonical.startsWith(DOCKER_HUB)) return canonical;
  const path = canonical.slice(DOCKER_HUB.length);
  const name = path.slice(0, path.search(/[:@]|$/));
  return path.startsWith(OFFICIAL) && !name.slice(OFFICIAL.length).includes('/') ? path.slice(OFFICIAL.length) : path;
}

const DOCKER_HUB = 'docker.io/';
const OFFICIAL = 'library/';

/** Splits a familiar `repo:tag` or `repo@digest` into its repository and its tag or digest. */
export function splitFamiliar(name: string): { repository: string; tag: string; digest: string } {
  const at = name.indexOf('@');
  if (at >= 0) return { repository: name.slice(0, at), tag: '<none>', digest: name.slice(at + 1) };
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest: '<none>' } : { repository: name, tag: '<none>', digest: '<none>' };
}
