// `load`: brings every image of an archive into the store, then points its tags at it, in one transaction.
import type { Readable } from 'node:stream';
import type { Store } from '../store/store.ts';
import { withLease } from '../store/with-lease.ts';
import { imagesInArchive, type ArchiveImage } from '../transports/archive-images.ts';
import { MAX_ARCHIVE_JSON_BYTES, readArchive } from '../transports/archive-reader.ts';
import type { Digest } from '../digest/digest.ts';
import { LimitExceededError } from '../errors.ts';
import { insertImage, setTag } from './image-records.ts';
import { imageEvent } from './image-events.ts';
import { familiar, tagName } from './names.ts';

/** Returns Docker's messages, in Docker's order. */
export function loadArchive(store: Store, input: Readable): Promise<string[]> {
  return withLease(store, async (lease) => {
    const staged = await readArchive(input, store, lease);
    const images = await imagesInArchive(staged, (digest) => readMetadataBlob(store, digest));
    const named = images.map((image) => ({ image, tags: image.names.map(tagName) }));
    return store.db.transaction(() => {
      const messages = named.flatMap(({ image, tags }) => recordLoaded(store, image, tags));
      lease.releaseWithin();
      return messages;
    });
  });
}

/** Manifests and configs are read whole, so a hostile gigabyte one is refused before it is read. */
async function readMetadataBlob(store: Store, digest: Digest): Promise<Buffer> {
  const info = await store.content.info(digest);
  if (info && info.size > MAX_ARCHIVE_JSON_BYTES) {
    throw new LimitExceededError(`invalid archive: ${digest} is ${info.size} bytes, over the ${MAX_ARCHIVE_JSON_BYTES}-byte limit for a manifest or config`);
  }
  return store.content.readBytes(digest);
}

/** dockerd logs one `load` per image, by its ID, and no `tag` for the names it comes with. */
function recordLoaded(store: Store, image: ArchiveImage, tags: string[]): string[] {
  const id = image.configDigest;
  insertImage(store, {
    id,
    created: image.config.created,
    manifestDigest: image.manifestDigest,
    layers: image.layers.map((layer) => ({ diffId: layer.diffId, size: layer.size, tarSize: layer.tarSize, blob: layer.blob })),
  });
  imageEvent(store, 'load', id);
  if (tags.length === 0) return [`Loaded image ID: ${id}`];
  return tags.flatMap((tag) => {
    const previous = setTag(store, tag, id, { touch: false, quiet: true });
    const loaded = `Loaded image: ${familiar(tag)}`;
    return previous ? [`The image ${familiar(tag)} already exists, renaming the old one with ID ${previous} to empty string`, loaded] : [loaded];
  });
}
