// An event as Docker's Engine API sends it (events.Message), which `docker events --format` also renders.
import type { EngineEvent } from './event-log.ts';

/**
 * With the deprecated status, id and from of container and image events, which dockerd sends until API 1.52, past
 * every version wharf serves, and which clients of that age still read (docker-compose v1 reads `id`).
 */
export function eventMessage(event: EngineEvent): Record<string, unknown> {
  const legacy = event.type === 'container' || event.type === 'image'
    ? { status: event.action, id: event.actor.id, from: event.type === 'container' ? event.actor.attributes.image : undefined }
    : {};
  return {
    ...legacy,
    Type: event.type,
    Action: event.action,
    Actor: { ID: event.actor.id, Attributes: Object.fromEntries(sortedAttributes(event)) },
    scope: 'local',
    time: Math.floor(event.timeMicro / 1e6),
    timeNano: event.timeMicro * 1000,
  };
}

/** Go marshals a map, and docker/cli prints an event's attributes, with the keys sorted bytewise. */
export function sortedAttributes(event: EngineEvent): Array<[string, string]> {
  return Object.entries(event.actor.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
