// `wharf events` for images, volumes and networks: the events dockerd logs for load, tag, rmi, import, save, prune,
// pull and push (to the real distribution registry), volume create/rm/prune, and a `run --rm` container's mount and bridge connect/disconnect.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { fromBuffer } from '../helpers/byte-source.ts';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { ok, writeArchive } from '../helpers/cli-fixtures.ts';
import { eventMessages, unixSeconds } from '../helpers/events.ts';
import { busyboxFixture, type BuiltImage } from '../helpers/image-builder.ts';
import { startDistribution, type Distribution } from '../helpers/peers.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { writeTarFile } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

interface Seen {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
}

/** The events of these types logged since `since`, as `wharf events --format '{{json .}}'` prints them. */
async function eventsSince(wharf: Wharf, since: string, types = ['image', 'volume', 'network']): Promise<Seen[]> {
  return (await eventMessages(wharf.run, since))
    .map((message) => {
      assert.equal(message.scope, 'local');
      return { type: message.Type, action: message.Action, id: message.Actor.ID, attributes: message.Actor.Attributes };
    })
    .filter((event) => types.includes(event.type));
}

const image = (action: string, id: string, name = id): Seen => ({ type: 'image', action, id, attributes: { name } });
/** An event of a test image the store still has: with the image's label, as dockerd adds an image's labels. */
const labeled = (action: string, id: string, name = id): Seen => ({ type: 'image', action, id, attributes: { 'org.example.fixture': 'true', name } });

async function loadArchive(t: TestContext, wharf: Wharf, built: BuiltImage, repoTags: string[]): Promise<void> {
  ok(await wharf.run(['load', '-i', await writeArchive(join(tempDir(t), 'image.tar'), 'classic', [{ image: built, repoTags }])]));
}

/** A wharf with the busybox fixture loaded as busybox:latest, and the time after that. */
async function withBusybox(t: TestContext): Promise<{ wharf: Wharf; built: BuiltImage; since: string }> {
  const wharf = makeWharf(t);
  const built = await busyboxFixture();
  await loadArchive(t, wharf, built, ['busybox:latest']);
  return { wharf, built, since: unixSeconds() };
}

describe('wharf events: images', { concurrency: 4 }, () => {
  // what dockerd 20.10 logs, seen with `docker events` on this machine: one load per image, by ID, and no tag
  it('load logs one load per image, by its ID, and no tag for the names it brings', async (t) => {
    const wharf = makeWharf(t);
    const built = await busyboxFixture();
    const since = unixSeconds();
    await loadArchive(t, wharf, built, ['busybox:latest', 'example.com/team/app:v1']);
    assert.deepEqual(await eventsSince(wharf, since), [labeled('load', built.id)]);
    const other = await busyboxFixture('other');
    const afterFirst = unixSeconds();
    await loadArchive(t, wharf, other, []);
    assert.deepEqual(await eventsSince(wharf, afterFirst), [labeled('load', other.id)]);
  });

  it('tag names the new reference; rmi logs untag by ID for each name, then delete', async (t) => {
    const { wharf, built, since } = await withBusybox(t);
    ok(await wharf.run(['tag', 'busybox', 'team/bb:v1']));
    ok(await wharf.run(['rmi', 'team/bb:v1']));
    assert.deepEqual(await eventsSince(wharf, since), [labeled('tag', built.id, 'team/bb:v1'), labeled('untag', built.id)]);
    const afterUntag = unixSeconds();
    ok(await wharf.run(['rmi', 'busybox:latest']));
    assert.deepEqual(await eventsSince(wharf, afterUntag), [labeled('untag', built.id), image('delete', built.id)]);
  });

  it('import logs the tag it sets, then import by ID', async (t) => {
    const wharf = makeWharf(t);
    const tar = join(tempDir(t), 'rootfs.tar');
    await writeTarFile(tar, [{ name: 'hello', type: 'file', body: fromBuffer(Buffer.from('hi\n')) }]);
    const since = unixSeconds();
    const id = ok(await wharf.run(['import', tar, 'imported:1'])).stdout.trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(await eventsSince(wharf, since), [image('tag', id, 'imported:1'), image('import', id)]);
  });

  it('save logs save by the image ID once the archive is written; a failed save logs nothing', async (t) => {
    const { wharf, built, since } = await withBusybox(t);
    ok(await wharf.run(['save', '-o', join(tempDir(t), 'saved.tar'), 'busybox:latest']));
    assert.equal((await wharf.run(['save', '-o', join(tempDir(t), 'missing.tar'), 'missing:1'])).code, 1);
    assert.deepEqual(await eventsSince(wharf, since), [labeled('save', built.id)]);
  });

  it('image prune logs delete for each dangling image, then prune with the bytes reclaimed', async (t) => {
    const { wharf, since } = await withBusybox(t);
    const dangling = await busyboxFixture('dangling');
    await loadArchive(t, wharf, dangling, []);
    ok(await wharf.run(['image', 'prune', '-f']));
    const events = await eventsSince(wharf, since);
    assert.deepEqual(events.slice(0, 2), [labeled('load', dangling.id), image('delete', dangling.id)]);
    assert.equal(events.length, 3, JSON.stringify(events));
    const prune = events[2];
    assert.deepEqual([prune.type, prune.action, prune.id, Object.keys(prune.attributes)], ['image', 'prune', '', ['reclaimed']]);
    assert.ok(Number(prune.attributes.reclaimed) > 0, prune.attributes.reclaimed);
  });
});

describe('wharf events: pull and push with a registry', { concurrency: 4 }, () => {
  let registry: Distribution | undefined;
  const scope = suiteScope();
  before(async () => {
    registry = await startDistribution(scope);
  });

  it('push and pull log the reference with its repository as name (and no tag); -a logs one, for the repository', async (t) => {
    if (!registry) return;
    const { wharf, built, since } = await withBusybox(t);
    const repository = `${registry.host}/team/bb`;
    ok(await wharf.run(['tag', 'busybox', `${repository}:v1`]));
    ok(await wharf.run(['tag', 'busybox', `${repository}:v2`]));
    const afterTags = unixSeconds();
    ok(await wharf.run(['push', `${repository}:v1`]));
    ok(await wharf.run(['push', '-a', repository]));
    assert.deepEqual(await eventsSince(wharf, afterTags), [
      image('push', `${repository}:v1`, repository),
      image('push', repository),
    ]);
    assert.equal((await eventsSince(wharf, since)).filter((event) => event.action === 'tag').length, 2);

    const puller = makeWharf(t);
    const pullSince = unixSeconds();
    ok(await puller.run(['pull', `${repository}:v1`]));
    const digest = ok(await puller.run(['inspect', '-f', '{{index .RepoDigests 0}}', `${repository}:v1`])).stdout.trim().split('@')[1];
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    ok(await puller.run(['pull', `${repository}@${digest}`]));
    ok(await puller.run(['pull', '-a', repository]));
    assert.deepEqual(await eventsSince(puller, pullSince), [
      image('pull', `${repository}:v1`, repository),
      image('pull', `${repository}@${digest}`, repository),
      image('pull', repository),
    ]);
    assert.equal(ok(await puller.run(['inspect', '-f', '{{.Id}}', `${repository}:v2`])).stdout.trim(), built.id);
  });

  it('a failed pull logs nothing', async (t) => {
    if (!registry) return;
    const wharf = makeWharf(t);
    const since = unixSeconds();
    assert.equal((await wharf.run(['pull', `${registry.host}/team/none:v1`])).code, 1);
    assert.deepEqual(await eventsSince(wharf, since), []);
  });
});

describe('wharf events: volumes and networks', { concurrency: 4 }, () => {
  it('volume create, rm and prune log create and destroy by name with the driver, and prune with the bytes', async (t) => {
    const wharf = makeWharf(t);
    const since = unixSeconds();
    ok(await wharf.run(['volume', 'create', 'data1']));
    ok(await wharf.run(['volume', 'create', 'data1']));
    ok(await wharf.run(['volume', 'rm', 'data1']));
    ok(await wharf.run(['volume', 'prune', '-f']));
    assert.deepEqual(await eventsSince(wharf, since), [
      { type: 'volume', action: 'create', id: 'data1', attributes: { driver: 'local' } },
      { type: 'volume', action: 'destroy', id: 'data1', attributes: { driver: 'local' } },
      { type: 'volume', action: 'prune', id: '', attributes: { reclaimed: '0' } },
    ]);
  });

  it("a run --rm container on the bridge logs connect by the network's ID, its volume's create and mount, then disconnect", async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const since = unixSeconds();
    ok(await wharf.run(['run', '--rm', '-v', 'cache:/cache:ro', 'busybox', 'true']));
    const networkId = ok(await wharf.run(['network', 'inspect', '-f', '{{.Id}}', 'bridge'])).stdout.trim();
    assert.match(networkId, /^[0-9a-f]{64}$/);
    // the disconnect is the removal's, which may finish just after `run --rm` returns
    const events = await eventually(async () => {
      const seen = await eventsSince(wharf, since, ['volume', 'network']);
      return seen.some((event) => event.action === 'disconnect') ? seen : undefined;
    }, 'a disconnect event');
    const container = events.find((event) => event.action === 'connect')?.attributes.container ?? '';
    assert.match(container, /^[0-9a-f]{64}$/);
    const network = { name: 'bridge', type: 'bridge', container };
    assert.deepEqual(events, [
      { type: 'network', action: 'connect', id: networkId, attributes: network },
      { type: 'volume', action: 'create', id: 'cache', attributes: { driver: 'local' } },
      { type: 'volume', action: 'mount', id: 'cache', attributes: { container, destination: '/cache', driver: 'local', propagation: '', 'read/write': 'false' } },
      { type: 'network', action: 'disconnect', id: networkId, attributes: network },
    ]);
  });
});
