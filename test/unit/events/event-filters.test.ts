// `docker events --filter` by dockerd's rules: container, volume and network by ID or name prefix, images exactly (with
// or without the tag), types and actions as alternatives, labels as key or key=value, keys all required.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { eventMatcher } from '../../../src/events/event-filters.ts';
import type { EngineEvent, EventType } from '../../../src/events/event-log.ts';

const CONTAINER_ID = 'c0ffee'.padEnd(64, '1');
const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;

function event(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
  return { seq: 1, type, action, actor: { id, attributes }, timeMicro: 1 };
}

const start = event('container', 'start', CONTAINER_ID, { image: 'busybox:latest', name: 'web', 'com.example.tier': 'front' });
const execStart = event('container', 'exec_start: sh -c true', CONTAINER_ID, { image: 'busybox:latest', name: 'web' });
const tag = event('image', 'tag', IMAGE_ID, { name: 'team/app:v1' });
const volume = event('volume', 'create', 'data', { driver: 'local' });
const connect = event('network', 'connect', 'feed'.padEnd(64, '0'), { container: CONTAINER_ID, name: 'bridge', type: 'bridge' });
const ALL = [start, execStart, tag, volume, connect];

/** The events of ALL that the filters let through. */
function matching(...filters: string[]): EngineEvent[] {
  return ALL.filter(eventMatcher(filters));
}

describe('eventMatcher', () => {
  it('lets every event through without filters', () => assert.deepEqual(matching(), ALL));

  it('type: values are alternatives', () => {
    assert.deepEqual(matching('type=volume'), [volume]);
    assert.deepEqual(matching('type=volume', 'type=network'), [volume, connect]);
    assert.deepEqual(matching('type=daemon'), []);
  });

  it('event: the action, or its part before the colon (exec_start: …)', () => {
    assert.deepEqual(matching('event=start'), [start]);
    assert.deepEqual(matching('event=exec_start'), [execStart]);
    assert.deepEqual(matching('event=exec_start: sh -c true'), [execStart]);
    assert.deepEqual(matching('event=sta'), [], 'an action matches whole');
  });

  it('container: by ID prefix or by name prefix', () => {
    assert.deepEqual(matching('type=container', `container=${CONTAINER_ID.slice(0, 12)}`), [start, execStart]);
    assert.deepEqual(matching('type=container', 'container=we'), [start, execStart]);
    assert.deepEqual(matching('type=container', 'container=db'), []);
    assert.deepEqual(matching('type=container', 'container=db', 'container=web'), [start, execStart], 'values are alternatives');
  });

  it('volume and network: by name or ID prefix', () => {
    assert.deepEqual(matching('type=volume', 'volume=dat'), [volume]);
    assert.deepEqual(matching('type=volume', 'volume=other'), []);
    assert.deepEqual(matching('type=network', 'network=feed'), [connect]);
    assert.deepEqual(matching('type=network', 'network=bri'), [connect]);
    assert.deepEqual(matching('type=network', 'network=host'), []);
  });

  it("image: an image event's ID or name, a container event's image, exactly, with or without the tag", () => {
    assert.deepEqual(matching(`image=${IMAGE_ID}`), [tag]);
    assert.deepEqual(matching('image=team/app:v1'), [tag]);
    assert.deepEqual(matching('image=team/app'), [tag]);
    assert.deepEqual(matching('image=team/ap'), [], 'no prefix match');
    assert.deepEqual(matching('image=busybox'), [start, execStart]);
    assert.deepEqual(matching('image=busybox:latest', 'image=team/app'), [start, execStart, tag]);
    assert.deepEqual(matching('image=busybox:1.36'), []);
  });

  it('image: a pull by digest, or a name in full, matches its familiar repository, as dockerd strips it', () => {
    const byDigest = event('image', 'pull', `127.0.0.1:5000/team/bb@${IMAGE_ID}`, { name: `127.0.0.1:5000/team/bb@${IMAGE_ID}` });
    const canonical = event('image', 'tag', IMAGE_ID, { name: 'docker.io/library/busybox:latest' });
    const match = eventMatcher(['image=127.0.0.1:5000/team/bb', 'image=busybox']);
    assert.deepEqual([byDigest, canonical, tag].filter(match), [byDigest, canonical]);
  });

  it('label: a key present, or key=value; every label must match', () => {
    assert.deepEqual(matching('label=com.example.tier'), [start]);
    assert.deepEqual(matching('label=com.example.tier=front'), [start]);
    assert.deepEqual(matching('label=com.example.tier=back'), []);
    assert.deepEqual(matching('label=com.example.tier', 'label=com.example.other'), []);
  });

  it('keys must all match', () => {
    assert.deepEqual(matching('type=container', 'event=start', 'container=web'), [start]);
    assert.deepEqual(matching('type=image', 'event=start'), []);
  });

  it('scope: every event is local; daemon: no event is a daemon event', () => {
    assert.deepEqual(matching('scope=local'), ALL);
    assert.deepEqual(matching('scope=swarm'), []);
    assert.deepEqual(matching('daemon=abc'), []);
  });

  it("refuses an unknown key with dockerd's text", () => {
    assert.throws(() => eventMatcher(['colour=red']), (error: unknown) => error instanceof InvalidArgumentError && error.message === "Invalid filter 'colour'");
  });
});
