// Parses and validates pushed manifests (OCI and Docker schema2, images and indexes) into what the registry needs.
import { isDigest } from '../../digest/digest.ts';
import { isIndexMediaType, MediaType } from '../../oci/media-types.ts';
import type { Descriptor } from '../../oci/types.ts';
import { RegistryError } from './error-codes.ts';

/** The manifest media types the registry stores; anything else is refused as MANIFEST_INVALID. */
export const MANIFEST_MEDIA_TYPES = new Set<string>([MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList]);

/** The spec asks registries to accept manifests of at least 4 MiB; larger ones get 413. */
export const MAX_MANIFEST_BYTES = 4 << 20;

export interface ParsedManifest {
  mediaType: string;
  /** Config and layers: blobs that must be in the repository. */
  blobs: Descriptor[];
  /** An index's manifests: they must be in the repository. */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Validates a manifest's bytes as sent with `contentType`; throws MANIFEST_INVALID naming the problem. */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('manifest is not a JSON object');
  if (json.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  const mediaType = mediaTypeOf(json, contentType);
  const parsed: ParsedManifest = { mediaType, blobs: [], manifests: [] };
  if (isIndexMediaType(mediaType)) {
    parsed.manifests = descriptors(json.manifests, 'manifests');
  } else {
    parsed.blobs = [descriptor(json.config, 'config'), ...descriptors(json.layers, 'layers')];
  }
  if (json.subject !== undefined) parsed.subject = descriptor(json.subject, 'subject');
  if (typeof json.artifactType === 'string') parsed.artifactType = json.artifactType;
  if (isStringMap(json.annotations)) parsed.annotations = json.annotations;
  return parsed;
}

/** What a stored manifest is served as: its own mediaType, else what its shape says (OCI allows leaving it out). */
export function storedMediaType(bytes: Buffer): string {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; manifests?: unknown };
    return json.mediaType ?? (Array.isArray(json.manifests) ? MediaType.ociIndex : MediaType.ociManifest);
  } catch {
    return MediaType.ociManifest;
  }
}

/** A manifest already stored (so already validated once): parsed by what it says it is. */
export function parseStoredManifest(bytes: Buffer): ParsedManifest {
  return parseManifest(bytes, storedMediaType(bytes));
}

/** The artifact type the referrers API reports: the manifest's own, else its config's media type (images). */
export function artifactTypeOf(bytes: Buffer): string | undefined {
  const json = JSON.parse(bytes.toString('utf8')) as { artifactType?: string; config?: { mediaType?: string } };
  return json.artifactType ?? json.config?.mediaType;
}

// The body's mediaType, when present, must agree with Content-Type; one of them must name a manifest type.
function mediaTypeOf(json: Record<string, unknown>, contentType: string | undefined): string {
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  const header = contentType?.split(';')[0].trim();
  if (declared && header && declared !== header) throw invalid(`mediaType ${declared} does not match Content-Type ${header}`);
  const mediaType = declared ?? header ?? '';
  if (!MANIFEST_MEDIA_TYPES.has(mediaType)) throw invalid(`unsupported manifest media type: ${mediaType || '(none)'}`);
  return mediaType;
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(`${field} must be an array`);
  return value.map((item, index) => descriptor(item, `${field}[${index}]`));
}

function descriptor(value: unknown, field: string): Descriptor {
  const item = value as Partial<Descriptor> | null;
  if (typeof item !== 'object' || item === null) throw invalid(`${field} must be a descriptor`);
  if (typeof item.mediaType !== 'string') throw invalid(`${field}.mediaType must be a string`);
  if (typeof item.digest !== 'string' || !isDigest(item.digest)) throw invalid(`${field}.digest is not a valid digest`);
  if (!Number.isSafeInteger(item.size) || (item.size as number) < 0) throw invalid(`${field}.size must be a non-negative integer`);
  return item as Descriptor;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}

function invalid(message: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', { message: `manifest invalid: ${message}` });
}
