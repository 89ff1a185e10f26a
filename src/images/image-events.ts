// The image events dockerd logs for `docker events`: the actor is the image ID (tag, untag, delete, import, load, save)
// or the reference (pull, push); `name` is a familiar reference, or the ID where none applies.
import { recordEvent } from '../events/event-log.ts';
import type { Store } from '../store/store.ts';

/** Call inside the transaction of the change it tells of; an event is informational, so a failure to log it is ignored. */
export function imageEvent(store: Store, action: string, actorId: string, attributes: Record<string, string> = { name: actorId }): void {
  try {
    recordEvent(store, 'image', action, actorId, attributes);
  } catch {
    // the change stands without its event
  }
}
