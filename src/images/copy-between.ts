// `copy`: opens the source and destination two image locations name (registry, docker archive, OCI layout, local store) and copies.
import { InvalidArgumentError } from '../errors.ts';
import { isIndexMediaType } from '../oci/media-types.ts';
import type { Platform } from '../oci/types.ts';
import { canonicalString, fullName, parseReference, withDefaultTag } from '../reference/reference.ts';
import type { Credentials } from '../registry/client/auth/authenticator.ts';
import { RegistryAccess } from '../registry/client/registry-access.ts';
import type { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';
import { withLease } from '../store/with-lease.ts';
import { copyImage, type CopyEvent } from '../transports/copy.ts';
import { dockerArchiveDestination } from '../transports/docker-archive/docker-archive-destination.ts';
import { dockerArchiveSource } from '../transports/docker-archive/docker-archive-source.ts';
import type { ImageDestination, ImageSource, ManifestBytes } from '../transports/image-transport.ts';
import { ociLayoutDestination } from '../transports/oci-layout/oci-layout-destination.ts';
import { ociLayoutSource } from '../transports/oci-layout/oci-layout-source.ts';
import { registryDestination } from '../transports/registry-destination.ts';
import { registrySource } from '../transports/registry-source.ts';
import { storeDestination } from '../transports/store-destination.ts';
import { savedImageSource } from '../transports/saved-image-source.ts';
import { storeSource } from '../transports/store-source.ts';
import type { ImageLocation } from '../transports/transport-name.ts';
import { resolveImage } from './resolve.ts';

export interface CopyBetweenOptions {
  /** Copy a whole index and every image in it, rather than one platform's image. */
  all: boolean;
  platform?: Platform;
  /** Opened only when one side is the local store. */
  store: () => Promise<Store>;
  onEvent?: (event: CopyEvent) => void;
  /** Told the number of images before an index is copied whole. */
  onList?: (count: number) => void;
  /** Looks up what `login` stored for a registry, for `docker://` sides. */
  credentials?: (registry: string) => Promise<Credentials | undefined>;
}

/** Where a copy needs shared resources: the store under one lease, and one registry access for both sides. */
interface Opened {
  store?: Store;
  lease?: Lease;
  access?: RegistryAccess;
  credentials?: CopyBetweenOptions['credentials'];
}

/** Returns the top-level manifest written: the index with `all`, else the image's manifest. */
export async function copyBetween(from: ImageLocation, to: ImageLocation, options: CopyBetweenOptions): Promise<ManifestBytes> {
  const usesStore = from.transport === 'wharf' || to.transport === 'wharf';
  const opened: Opened = { credentials: options.credentials };
  try {
    if (!usesStore) return await copyOpened(from, to, options, opened);
    opened.store = await options.store();
    return await withLease(opened.store, (lease) => copyOpened(from, to, options, Object.assign(opened, { lease })));
  } finally {
    opened.access?.close();
  }
}

async function copyOpened(from: ImageLocation, to: ImageLocation, options: CopyBetweenOptions, opened: Opened): Promise<ManifestBytes> {
  const source = await openSource(from, to, opened);
  try {
    // Asked only for --all: a source that encodes layers as it copies (the store's) must not make its manifest first.
    const top = options.all ? await source.manifest() : undefined;
    const whole = top !== undefined && isIndexMediaType(top.mediaType);
    // Refused before a byte is copied: these destinations keep one image per name.
    if (whole && (to.transport === 'docker-archive' || to.transport === 'wharf')) {
      throw new InvalidArgumentError(`${to.transport === 'wharf' ? 'the local store' : 'a docker archive'} cannot hold an image index: copy one platform, without --all`, { fromDaemon: false });
    }
    const destination = await openDestination(to, from, opened);
    try {
      if (whole) options.onList?.(indexSize(top));
      return await copyImage(source, destination, { all: options.all, platform: options.platform, onEvent: options.onEvent });
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}

async function openSource(location: ImageLocation, to: ImageLocation, opened: Opened): Promise<ImageSource> {
  switch (location.transport) {
    case 'docker': {
      const { reference } = location;
      return registrySource(await registry(opened).repository(reference, { push: false }), reference.digest ?? reference.tag ?? 'latest');
    }
    case 'docker-archive':
      return dockerArchiveSource(location.path, { reference: location.reference, sourceIndex: location.sourceIndex });
    case 'oci':
      return ociLayoutSource(location.path, { tag: location.tag });
    case 'wharf': {
      const id = resolveImage(opened.store!, location.name).id;
      // A registry gets what push sends (gzip layers); a file gets what save writes.
      const open = to.transport === 'docker' ? storeSource : savedImageSource;
      return open(opened.store!, id, { lease: opened.lease! });
    }
  }
}

async function openDestination(location: ImageLocation, from: ImageLocation, opened: Opened): Promise<ImageDestination> {
  switch (location.transport) {
    case 'docker': {
      const reference = withDefaultTag(location.reference);
      return registryDestination(await registry(opened).repository(reference, { push: true }), { tag: reference.tag });
    }
    case 'docker-archive':
      return dockerArchiveDestination(location.path, { reference: location.reference });
    case 'oci':
      return ociLayoutDestination(location.path, { tag: location.tag });
    case 'wharf': {
      const reference = withDefaultTag(parseReference(location.name));
      if (reference.digest) throw new InvalidArgumentError(`wharf:${location.name}: the local store names images by tag, not by digest`, { fromDaemon: false });
      // A repo digest only means something for an image that came from that registry repository.
      const repository = from.transport === 'docker' ? fullName(from.reference) : undefined;
      return storeDestination(opened.store!, { lease: opened.lease!, tag: canonicalString(reference), repository });
    }
  }
}

function registry(opened: Opened): RegistryAccess {
  return (opened.access ??= new RegistryAccess({ credentials: opened.credentials }));
}

function indexSize(index: ManifestBytes): number {
  try {
    const parsed = JSON.parse(index.bytes.toString('utf8')) as { manifests?: unknown[] };
    return Array.isArray(parsed.manifests) ? parsed.manifests.length : 0;
  } catch {
    return 0;
  }
}
