// `wharf events` and `docker events` through `wharf serve`: the past by --since/--until, following new events as any
// wharf process logs them, docker/cli's lines, --format, filters, and the refusals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { ok, WHARF_BIN } from '../helpers/cli-fixtures.ts';
import { eventually } from '../helpers/busybox-wharf.ts';
import { unixSeconds } from '../helpers/events.ts';
import { startEngineApi } from '../helpers/engine-api.ts';
import { needPeers } from '../helpers/peers.ts';
import { makeWharf } from '../helpers/wharf-cli.ts';

const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z volume (create|destroy) (\S+) \(driver=local\)$/;

describe('wharf events', () => {
  it('prints the events between --since and --until in docker/cli\'s lines, and --format, filtered', async (t) => {
    const wharf = makeWharf(t);
    const since = unixSeconds();
    ok(await wharf.run(['volume', 'create', 'first']));
    ok(await wharf.run(['volume', 'create', 'second']));
    ok(await wharf.run(['volume', 'rm', 'first']));
    const until = unixSeconds();
    const lines = ok(await wharf.run(['events', '--since', since, '--until', until])).stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((line) => LINE.exec(line)?.slice(1)), [['create', 'first'], ['create', 'second'], ['destroy', 'first']]);
    const json = JSON.parse(ok(await wharf.run(['events', '--since', since, '--until', until, '--filter', 'event=destroy', '--format', '{{json .}}'])).stdout) as Record<string, unknown>;
    assert.deepEqual({ ...json, time: undefined, timeNano: undefined }, { Type: 'volume', Action: 'destroy', Actor: { ID: 'first', Attributes: { driver: 'local' } }, scope: 'local', time: undefined, timeNano: undefined });
    assert.equal(String(json.timeNano).slice(0, 10), String(json.time));
    assert.equal(ok(await wharf.run(['events', '--since', since, '--until', until, '--filter', 'volume=sec', '--format', '{{.Action}} {{.Actor.ID}}'])).stdout, 'create second\n');
    assert.equal(ok(await wharf.run(['events', '--since', until, '--until', until])).stdout, '', 'nothing after --until');
    const refused = await wharf.run(['events', '--until', until, '--filter', 'colour=red']);
    assert.deepEqual([refused.code, refused.stderr], [1, "Error response from daemon: Invalid filter 'colour'\n"]);
  });

  it('follows new events as other wharf processes log them, from now on, until interrupted', async (t) => {
    const wharf = makeWharf(t);
    ok(await wharf.run(['volume', 'create', 'before']));
    const follower = spawn(WHARF_BIN, ['events', '--format', '{{.Action}} {{.Actor.ID}}'], { env: { ...process.env, WHARF_ROOT: wharf.root }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    follower.stdout.on('data', (chunk: Buffer) => (seen += chunk));
    t.after(() => follower.kill('SIGKILL'));
    // the follower has started reading once an event made after it starts shows up
    let probes = 0;
    await eventually(async () => {
      ok(await wharf.run(['volume', 'create', `probe${++probes}`]));
      return seen.includes('create probe') || undefined;
    }, 'the follower sees a new event');
    ok(await wharf.run(['volume', 'create', 'after']));
    await eventually(async () => seen.includes('create after') || undefined, 'the follower sees the next event');
    assert.ok(!seen.includes('before'), `only events from now on: ${seen}`);
    follower.kill('SIGINT');
    const [code] = await once(follower, 'exit');
    assert.equal(code, 0);
  });

  it('serves the same events to `docker events` through wharf serve, docker/cli\'s lines and JSON alike', async (t) => {
    if (!needPeers(t, 'docker')) return;
    const wharf = makeWharf(t);
    const api = await startEngineApi(t, wharf);
    const since = unixSeconds();
    ok(await wharf.run(['volume', 'create', 'shared']));
    ok(await wharf.run(['volume', 'rm', 'shared']));
    const until = unixSeconds();
    for (const format of [[], ['--format', '{{json .}}'], ['--filter', 'event=create', '--format', '{{.Type}} {{.Action}} {{.Actor.ID}}']]) {
      const args = ['events', '--since', since, '--until', until, ...format];
      assert.equal(ok(await api.docker(args)).stdout, ok(await wharf.run(args)).stdout, args.join(' '));
    }
    // a follower of the API gets what wharf's CLI logs meanwhile
    const following = api.docker(['events', '--since', since, '--until', unixSeconds(3), '--format', '{{.Action}} {{.Actor.ID}}']);
    ok(await wharf.run(['volume', 'create', 'later']));
    assert.equal(ok(await following).stdout, 'create shared\ndestroy shared\ncreate later\n');
  });
});
