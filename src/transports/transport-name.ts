// Parses skopeo-style image names (`docker://REF`, `docker-archive:PATH[:REF]`, `oci:DIR[:TAG]`, `wharf:REF`, a bare name) into locations.
import { InvalidArgumentError } from '../errors.ts';
import { canonicalString, isImageIdLike, parseReference, withDefaultTag, type Reference } from '../reference/reference.ts';

export type ImageLocation =
  | { transport: 'docker'; reference: Reference }
  /** `reference` picks an image by its RepoTags, `sourceIndex` by its position in manifest.json (`@0`). */
  | { transport: 'docker-archive'; path: string; reference?: Reference; sourceIndex?: number }
  /** `tag` is the `org.opencontainers.image.ref.name` annotation of the image's entry in index.json. */
  | { transport: 'oci'; path: string; tag?: string }
  /** The local store: a name, or (as a source) an image ID or ID prefix. */
  | { transport: 'wharf'; name: string };

/** Transports skopeo knows that wharf does not: their names are refused rather than read as local image names. */
const FOREIGN_TRANSPORTS = new Set(['containers-storage', 'dir', 'docker-daemon', 'oci-archive', 'ostree', 'sif', 'tarball']);

// containers/image's oci/internal refRegexp: the characters a ref name annotation may use.
const OCI_REF_COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
const OCI_REF_RE = new RegExp(`^${OCI_REF_COMPONENT}(?:/${OCI_REF_COMPONENT})*$`);

export function parseImageLocation(name: string): ImageLocation {
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const rest = name.slice(colon + 1);
  switch (prefix) {
    case 'docker':
      if (!rest.startsWith('//')) throw invalid(`docker: image reference ${rest} does not start with //`);
      return { transport: 'docker', reference: parseReference(rest.slice(2)) };
    case 'docker-archive':
      return dockerArchive(name, rest);
    case 'oci':
      return ociLayout(name, rest);
    case 'wharf':
      if (rest === '') throw invalid('wharf: the image name is empty');
      return { transport: 'wharf', name: rest };
  }
  if (FOREIGN_TRANSPORTS.has(prefix)) throw invalid(`Invalid image name "${name}", transport "${prefix}" is not supported by wharf (use docker://, docker-archive:, oci: or wharf:)`);
  return bareName(name, prefix);
}

/** A name with no transport is a local image, provided it reads as one; otherwise its prefix was meant as a transport. */
function bareName(name: string, prefix: string): ImageLocation {
  if (isImageIdLike(name)) return { transport: 'wharf', name };
  try {
    parseReference(name);
    return { transport: 'wharf', name };
  } catch (error) {
    // `foo:/x`, `foo://x`: no tag looks like that, so the prefix was meant as a transport.
    if (prefix === '' || !name.slice(prefix.length + 1).includes('/')) throw error;
    throw invalid(`Invalid image name "${name}", unknown transport "${prefix}"`);
  }
}

function dockerArchive(name: string, within: string): ImageLocation {
  const colon = within.indexOf(':');
  const path = colon < 0 ? within : within.slice(0, colon);
  const ref = colon < 0 ? '' : within.slice(colon + 1);
  if (path === '') throw invalid(`docker-archive reference ${within} isn't of the form <path>[:<reference>]`);
  if (ref === '') return { transport: 'docker-archive', path };
  if (ref.startsWith('@')) {
    const sourceIndex = /^@\d+$/.test(ref) ? Number(ref.slice(1)) : NaN;
    if (!Number.isSafeInteger(sourceIndex)) throw invalid(`Invalid source index ${ref}`);
    return { transport: 'docker-archive', path, sourceIndex };
  }
  const reference = withDefaultTag(parseReference(ref));
  if (reference.digest && reference.tag) throw invalid("docker-archive doesn't support digests");
  if (!reference.tag) throw invalid(`reference does not include a tag: ${canonicalString(reference)}`);
  return { transport: 'docker-archive', path, reference };
}

function ociLayout(name: string, within: string): ImageLocation {
  const colon = within.indexOf(':');
  const path = colon < 0 ? within : within.slice(0, colon);
  const tag = colon < 0 ? '' : within.slice(colon + 1);
  if (path === '') throw invalid(`oci reference ${within} isn't of the form <directory>[:<tag>]`);
  if (tag === '') return { transport: 'oci', path };
  if (!OCI_REF_RE.test(tag)) throw invalid(`Invalid image ${tag}`);
  return { transport: 'oci', path, tag };
}

/** Messages are containers/image's; the command prefixes them with `Invalid source name …:` as skopeo does. */
function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { fromDaemon: false });
}

/** The name as the user would write it again, for messages. */
export function locationString(location: ImageLocation): string {
  switch (location.transport) {
    case 'docker':
      return `docker://${canonicalString(location.reference)}`;
    case 'docker-archive':
      return `docker-archive:${location.path}${location.reference ? `:${canonicalString(location.reference)}` : location.sourceIndex !== undefined ? `:@${location.sourceIndex}` : ''}`;
    case 'oci':
      return `oci:${location.path}${location.tag ? `:${location.tag}` : ''}`;
    case 'wharf':
      return `wharf:${location.name}`;
  }
}
