// An OCI image layout directory as an ImageSource (`oci:DIR[:TAG]`): the entry of index.json the tag names, with skopeo's rules.
import type { Readable } from 'node:stream';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Digest } from '../../digest/digest.ts';
import { InvalidContentError, NotFoundError, withPath } from '../../errors.ts';
import { MediaType, isIndexMediaType } from '../../oci/media-types.ts';
import type { Descriptor, ImageIndex } from '../../oci/types.ts';
import { isNotFound } from '../../store/content-store.ts';
import type { ImageSource, ManifestBytes } from '../image-transport.ts';
import { INDEX_FILE, REF_NAME, blobPath, readIndex, readManifestBlob } from './layout-files.ts';

const MANIFEST_TYPES = new Set<string>([MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList]);

export function ociLayoutSource(dir: string, options: { tag?: string } = {}): ImageSource {
  /** Media types the layout declared for manifests it names: an index's children are read by digest alone. */
  const declared = new Map<Digest, string>();
  let top: Promise<ManifestBytes> | undefined;
  const read = async (descriptor: Pick<Descriptor, 'digest'> & Partial<Descriptor>): Promise<ManifestBytes> => {
    const bytes = await readManifestBlob(dir, descriptor);
    const mediaType = descriptor.mediaType ?? declared.get(descriptor.digest) ?? mediaTypeOf(bytes, descriptor.digest);
    if (isIndexMediaType(mediaType)) rememberChildren(bytes, declared);
    return { bytes, mediaType, digest: descriptor.digest };
  };
  return {
    manifest: (digest?: Digest) => (digest ? read({ digest }) : (top ??= topDescriptor(dir, options.tag).then(read))),
    blob: async (descriptor: Descriptor): Promise<Readable> => {
      const file = blobPath(dir, descriptor.digest);
      try {
        const handle = await open(file, 'r');
        return handle.createReadStream({ highWaterMark: 1 << 20 });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`blob ${descriptor.digest} is missing from OCI layout ${dir}`, { cause: error });
        throw withPath(error, file);
      }
    },
    close: async () => undefined,
  };
}

/** The entry the tag names; without a tag, the layout's only entry (containers/image's rules and messages). */
async function topDescriptor(dir: string, tag: string | undefined): Promise<Descriptor> {
  const index = await readIndex(dir);
  if (!index) throw new NotFoundError(`open ${path.join(dir, INDEX_FILE)}: no such file or directory (not an OCI layout)`);
  if (!tag) {
    if (index.manifests.length === 0) throw new NotFoundError(`no image in OCI layout ${dir}`);
    if (index.manifests.length > 1) throw new InvalidContentError(`more than one image in oci, choose an image (${dir} holds ${index.manifests.length})`, { fromDaemon: false });
    return index.manifests[0];
  }
  const named = index.manifests.filter((entry) => entry.annotations?.[REF_NAME] === tag);
  const usable = named.find((entry) => MANIFEST_TYPES.has(entry.mediaType));
  if (usable) return usable;
  if (named.length > 0) throw new InvalidContentError(`reference "${tag}" matches unsupported manifest MIME types ${JSON.stringify(named.map((entry) => entry.mediaType))}`);
  throw new NotFoundError(`no descriptor found for reference "${tag}" in OCI layout ${dir}`);
}

function rememberChildren(bytes: Buffer, declared: Map<Digest, string>): void {
  const index = parseJson<ImageIndex>(bytes);
  for (const child of Array.isArray(index?.manifests) ? index.manifests : []) {
    if (typeof child?.digest === 'string' && typeof child.mediaType === 'string') declared.set(child.digest, child.mediaType);
  }
}

/** A manifest read by digest alone names its own type, or (OCI lets it leave the field out) shows it by its shape. */
function mediaTypeOf(bytes: Buffer, digest: Digest): string {
  const parsed = parseJson<{ mediaType?: unknown; manifests?: unknown; config?: unknown }>(bytes);
  if (parsed === undefined) throw new InvalidContentError(`invalid manifest ${digest}: not valid JSON`);
  if (typeof parsed?.mediaType === 'string') return parsed.mediaType;
  if (Array.isArray(parsed?.manifests)) return MediaType.ociIndex;
  if (parsed?.config) return MediaType.ociManifest;
  throw new InvalidContentError(`manifest ${digest} has no media type and is neither an image manifest nor an index`);
}

function parseJson<T>(bytes: Buffer): T | undefined {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
