// The image events dockerd logs for `docker events`: the actor is the image ID (tag, untag, delete, import, load, save)
// or the reference (pull, push); `name` is a familiar reference, or the ID where none applies.
import { readFileSync } from 'node:fs';
import type { Digest } from '../digest/digest.ts';
import { recordEvent } from '../events/event-log.ts';
import type { ImageConfig } from '../oci/types.ts';
import type { Store } from '../store/store.ts';

/**
 * Call inside the transaction of the change it tells of. As dockerd, the event of an image still stored carries the
 * image's labels (a `delete` has none left to show).
 */
export function imageEvent(store: Store, action: string, actorId: string, attributes: Record<string, string> = { name: actorId }): void {
  const labels = actorId.startsWith('sha256:') && action !== 'delete' ? labelsOf(store, actorId as Digest) : {};
  recordEvent(store, 'image', action, actorId, { ...labels, ...attributes });
}

/**
 * The config's Labels, read from its blob: a few hundred bytes, and the store keeps no copy of them beside the record.
 * A config that cannot be read leaves the event without labels rather than without the event.
 */
function labelsOf(store: Store, id: Digest): Record<string, string> {
  try {
    return (JSON.parse(readFileSync(store.content.blobPath(id), 'utf8')) as ImageConfig).config?.Labels ?? {};
  } catch {
    return {};
  }
}
