// Image names as the store keeps them (fully qualified) and as Docker prints them (familiar).
import { InvalidArgumentError } from '../errors.ts';
import { canonicalString, familiarString, parseReference, withDefaultTag } from '../reference/reference.ts';

/** Normalises a name to tag an image with: `busybox` → `docker.io/library/busybox:latest`. */
export function tagName(input: string): string {
  const reference = withDefaultTag(parseReference(input));
  if (reference.digest) throw new InvalidArgumentError(`refusing to create a tag with a digest reference`);
  return canonicalString(reference);
}

/** `docker.io/library/busybox:latest` → `busybox:latest`; `docker.io/library/busybox@sha256:…` → `busybox@sha256:…`. */
export function familiar(canonical: string): string {
  return familiarString(parseReference(canonical));
}

/** Splits a familiar `repo:tag` or `repo@digest` into its repository and its tag or digest. */
export function splitFamiliar(name: string): { repository: string; tag: string; digest: string } {
  const at = name.indexOf('@');
  if (at >= 0) return { repository: name.slice(0, at), tag: '<none>', digest: name.slice(at + 1) };
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest: '<none>' } : { repository: name, tag: '<none>', digest: '<none>' };
}
