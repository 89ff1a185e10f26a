// `docker events --filter`: which events a reader wants, by dockerd's rules (names and IDs by prefix, images exactly, labels as key or key=value).
import { InvalidArgumentError } from '../errors.ts';
import { familiarName, parseReference } from '../reference/reference.ts';
import type { EngineEvent } from './event-log.ts';

const KEYS = ['container', 'event', 'image', 'label', 'type', 'volume', 'network', 'scope', 'daemon'];

export type EventMatcher = (event: EngineEvent) => boolean;

/** `key=value` strings, as given to --filter; values of one key are alternatives, keys must all match. */
export function eventMatcher(filters: string[]): EventMatcher {
  const values = new Map<string, string[]>();
  for (const filter of filters) {
    const at = filter.indexOf('=');
    const key = at === -1 ? filter : filter.slice(0, at);
    if (!KEYS.includes(key)) throw new InvalidArgumentError(`Invalid filter '${key}'`);
    values.set(key, [...(values.get(key) ?? []), at === -1 ? '' : filter.slice(at + 1)]);
  }
  const exact = (key: string, ...sources: string[]) => !values.has(key) || sources.some((source) => values.get(key)!.includes(source));
  const prefix = (key: string, ...sources: string[]) => !values.has(key) || sources.some((source) => values.get(key)!.some((value) => source.startsWith(value)));
  const named = (key: string, event: EngineEvent) => prefix(key, event.actor.id, event.actor.attributes.name ?? '');
  return (event) =>
    exact('type', event.type) &&
    // `exec_start: sh -c …` is an exec_start
    exact('event', event.action, event.action.split(':')[0]) &&
    exact('scope', 'local') &&
    !values.has('daemon') &&
    named('container', event) &&
    named('volume', event) &&
    named('network', event) &&
    matchesImage(event, exact) &&
    (values.get('label') ?? []).every((label) => matchesLabel(event.actor.attributes, label));
}

/** An image event names its image as `name`, a container event as `image`; either matches as it is or as its repository. */
function matchesImage(event: EngineEvent, exact: (key: string, ...sources: string[]) => boolean): boolean {
  const name = event.actor.attributes[event.type === 'image' ? 'name' : 'image'] ?? '';
  return exact('image', event.actor.id, name, withoutTag(event.actor.id), withoutTag(name));
}

/** dockerd's stripTag: the familiar repository name, without tag or digest; what does not parse as a name stays as it is. */
function withoutTag(name: string): string {
  try {
    return familiarName(parseReference(name));
  } catch {
    return name;
  }
}

function matchesLabel(attributes: Record<string, string>, label: string): boolean {
  const at = label.indexOf('=');
  return at === -1 ? label in attributes : attributes[label.slice(0, at)] === label.slice(at + 1);
}
