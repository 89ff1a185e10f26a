// Image references (`[domain/]path[:tag][@digest]`): parsing, normalisation and display forms, with Docker's error texts.
import type { Digest } from '../digest/digest.ts';
import { InvalidArgumentError } from '../errors.ts';

export interface Reference {
  /** `docker.io` for Docker Hub; empty only when the first component is no valid host (e.g. `foo_bar.com/x`). */
  domain: string;
  path: string;
  tag?: string;
  digest?: Digest;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const MAX_PATH_LENGTH = 255;

// The grammar of distribution/reference v0.6.0 (what Docker 28 vendors), built from named parts.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const IMAGE_ID_LIKE_RE = /^(?:sha256:)?[a-f0-9]{1,64}$/;

// go-digest's rules, applied after the grammar accepted the digest; sha384 comes with Go's sha512 package.
const DIGEST_HEX_LENGTH = new Map([['sha256', 64], ['sha384', 96], ['sha512', 128]]);
const GO_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const REPOSITORY_PATH_RE = new RegExp(`^${REMOTE_NAME}$`);
const TAG_RE = new RegExp(`^${TAG}$`);

/** A repository path as a registry accepts it (`team/app`, no domain), within distribution's 255 characters. */
export function isRepositoryPath(name: string): boolean {
  return name.length <= MAX_PATH_LENGTH && REPOSITORY_PATH_RE.test(name);
}

/** A tag as the grammar allows it (`[\w][\w.-]{0,127}`). */
export function isTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** Parses a name as the Docker CLI and daemon do (ParseNormalizedNamed): `ubuntu` → docker.io/library/ubuntu. */
export function parseReference(input: string): Reference {
  if (IDENTIFIER_RE.test(input)) {
    throw new InvalidArgumentError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(input);
  // Docker checks case before the grammar, on the remainder up to its first colon (a tag's or a digest's).
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw new InvalidArgumentError(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  return parseStrict(`${domain}/${remainder}`);
}

/** Docker's TagNameOnly: a bare name gets `latest`; a reference with a tag or digest is kept as is. */
export function withDefaultTag(ref: Reference): Reference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return { ...ref, tag: DEFAULT_TAG };
}

/** The fully qualified repository name: `docker.io/library/ubuntu`. */
export function fullName(ref: Reference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

/** The repository name as Docker displays it: `ubuntu`, `team/app`, `registry.example:5000/team/app`. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  const official = ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : '';
  // Only a single component under library/ is an official image; deeper paths keep the prefix.
  return official !== '' && !official.includes('/') ? official : ref.path;
}

/** Docker's display form with tag and digest: `ubuntu:latest`, `ubuntu@sha256:…`, `ubuntu:1@sha256:…`. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + suffix(ref);
}

/** The fully qualified form: `docker.io/library/ubuntu:latest`. Adds no tag; use withDefaultTag first for that. */
export function canonicalString(ref: Reference): string {
  return fullName(ref) + suffix(ref);
}

/**
 * Whether Docker could read the input as an image ID or ID prefix (`sha256:` optional, 1 to 64 lowercase hex).
 * Docker resolves such a string as a name first and falls back to an ID prefix, except that a bare
 * 64-hex string is never a name (parseReference rejects it).
 */
export function isImageIdLike(input: string): boolean {
  return IMAGE_ID_LIKE_RE.test(input);
}

function suffix(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return tag + digest;
}

// Decides whether the first component names a registry; only the remainder is normalised (library/ for Hub).
function splitDockerDomain(input: string): { domain: string; remainder: string } {
  const slash = input.indexOf('/');
  // A single component is always a Hub official image, even `localhost` or `example.com`.
  if (slash < 0) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_PREFIX + input };
  const first = input.slice(0, slash);
  const rest = input.slice(slash + 1);
  let domain = DEFAULT_DOMAIN;
  let remainder = input;
  if (first === LEGACY_DEFAULT_DOMAIN) {
    remainder = rest;
  } else if (looksLikeDomain(first)) {
    domain = first;
    remainder = rest;
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

// Uppercase counts because paths must be lowercase, so `LOCALDOMAIN/x` can only be meant as a host.
function looksLikeDomain(component: string): boolean {
  return component === 'localhost' || /[.:]/.test(component) || component.toLowerCase() !== component;
}

// Docker's Parse: the grammar, then the length of the path, then go-digest's validation.
function parseStrict(input: string): Reference {
  const match = REFERENCE_RE.exec(input);
  if (match === null) {
    const lower = input.toLowerCase();
    if (lower !== input && REFERENCE_RE.test(lower)) throw new InvalidArgumentError('repository name must be lowercase');
    throw new InvalidArgumentError('invalid reference format');
  }
  const [, name, tag, digest] = match;
  // The grammar guarantees a match; a first component that is no valid host becomes part of the path.
  const [, domain = '', path] = NAME_RE.exec(name) as RegExpExecArray;
  if (path.length > MAX_PATH_LENGTH) {
    throw new InvalidArgumentError(`repository name must not be more than ${MAX_PATH_LENGTH} characters`);
  }
  const ref: Reference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = validateDigest(digest);
  return ref;
}

// go-digest's Validate, in its order, so that each malformed digest gets the message Docker prints.
function validateDigest(value: string): Digest {
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH.get(algorithm);
  if (length === undefined) {
    throw new InvalidArgumentError(GO_DIGEST_RE.test(value) ? 'unsupported digest algorithm' : 'invalid checksum digest format');
  }
  if (hex.length !== length) throw new InvalidArgumentError('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw new InvalidArgumentError('invalid checksum digest format');
  return value as Digest;
}
