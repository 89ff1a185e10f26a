// Container events as dockerd logs them, read back with `wharf events --format '{{json .}}'` and, through wharf serve,
// `docker events`: create/start/die/destroy of run --rm, labels, exit codes, kill signals, stop, rename, restart (by
// hand and by a restart policy), exec, pause/unpause, top, attach.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { type EventMessage as Message, eventMessages, unixSeconds } from '../helpers/events.ts';
import { busyboxApi } from '../helpers/engine-api.ts';
import type { RunResult } from '../helpers/wharf-cli.ts';

const canRun = process.getuid?.() === 0 ? undefined : 'needs root (runc, namespaces)';

type Runner = (args: string[]) => Promise<RunResult>;

/** The container events logged from `since` until now, in order. */
async function containerEvents(run: Runner, since: string): Promise<Message[]> {
  return (await eventMessages(run, since)).filter((event) => event.Type === 'container');
}

/**
 * One container's actions, with the attribute that tells each apart (kill's signal, die's exit code). A signal's
 * `kill` is logged once the runtime has sent it, the `die` once the monitor has reaped the process: which lands first
 * is a race, as with dockerd, so a die just before a kill is put after it.
 */
function actions(events: Message[], id: string): string[] {
  const named = events.filter((event) => event.Actor.ID === id).map(({ Action, Actor: { Attributes } }) => {
    if (Action === 'kill') return `kill ${Attributes.signal}`;
    if (Action === 'die' || Action === 'exec_die') return `${Action} ${Attributes.exitCode}`;
    return Action;
  });
  for (let i = 0; i + 1 < named.length; i++) {
    if (named[i].startsWith('die') && named[i + 1].startsWith('kill')) [named[i], named[i + 1]] = [named[i + 1], named[i]];
  }
  return named;
}

describe('container events', { skip: canRun }, () => {
  it('run --rm: create, start, die with its exit code and run time, destroy; each with image, name and the labels', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const since = unixSeconds();
    const result = await wharf.run(['run', '--rm', '--name', 'once', '--label', 'tier=web', '--label', 'team=blue', 'busybox', 'sh', '-c', 'sleep 1.5; exit 3']);
    assert.equal(result.code, 3, result.stderr);
    const events = await containerEvents(wharf.run, since);
    const id = events.find((event) => event.Actor.Attributes.name === 'once')?.Actor.ID ?? '';
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.deepEqual(actions(events, id), ['create', 'start', 'die 3', 'destroy']);
    // the container's labels are the image's (the fixture's one) with its own over them
    const common = { image: 'busybox', name: 'once', tier: 'web', team: 'blue', 'org.example.fixture': 'true' };
    for (const event of events) assert.deepEqual({ ...event.Actor.Attributes, exitCode: undefined, execDuration: undefined }, { ...common, exitCode: undefined, execDuration: undefined }, event.Action);
    const die = events.find((event) => event.Action === 'die')!;
    // whole seconds from the recorded start (just after the process began) to the end: 1 or, on a slow host, 2
    assert.match(die.Actor.Attributes.execDuration, /^[12]$/, 'the whole seconds it ran');
    assert.ok(events.every((event, i) => i === 0 || event.timeNano >= events[i - 1].timeNano), 'in time order');
  });

  it('rename (oldName with its slash), stop (kill 15, then 9), restart by hand, kill with its signal', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const since = unixSeconds();
    // as PID 1 the shell ignores a SIGTERM it has no trap for: the stop kills it after its timeout; a HUP ends it with 7
    const id = ok(await wharf.run(['run', '-d', '--name', 'first', 'busybox', 'sh', '-c', 'trap "exit 7" HUP; while true; do sleep 0.1; done'])).stdout.trim();
    ok(await wharf.run(['rename', 'first', 'second']));
    ok(await wharf.run(['stop', '-t', '1', 'second']));
    ok(await wharf.run(['restart', 'second']));
    ok(await wharf.run(['kill', '-s', 'HUP', 'second']));
    ok(await wharf.run(['wait', 'second']));
    const events = await containerEvents(wharf.run, since);
    assert.deepEqual(actions(events, id), ['create', 'start', 'rename', 'kill 15', 'kill 9', 'die 137', 'stop', 'start', 'restart', 'kill 1', 'die 7']);
    const rename = events.find((event) => event.Action === 'rename')!;
    assert.deepEqual([rename.Actor.Attributes.oldName, rename.Actor.Attributes.name], ['/first', 'second']);
    assert.equal(events.find((event) => event.Action === 'restart')?.Actor.Attributes.name, 'second');
  });

  it('a restart policy’s restart is a die and a start, with no restart event', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const since = unixSeconds();
    const id = ok(await wharf.run(['run', '-d', '--restart', 'on-failure:1', 'busybox', 'sh', '-c', 'exit 2'])).stdout.trim();
    const events = await eventually(async () => {
      const found = await containerEvents(wharf.run, since);
      return found.filter((event) => event.Action === 'die').length === 2 ? found : undefined;
    }, 'two runs');
    assert.deepEqual(actions(events, id), ['create', 'start', 'die 2', 'start', 'die 2']);
  });

  it('exec: exec_create and exec_start with the command, exec_die with its exit code, one exec ID', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', 'busybox', 'sleep', '1000'])).stdout.trim();
    const since = unixSeconds();
    assert.equal((await wharf.run(['exec', id, 'sh', '-c', 'exit 4'])).code, 4);
    const events = await containerEvents(wharf.run, since);
    assert.deepEqual(actions(events, id), ['exec_create: sh -c exit 4', 'exec_start: sh -c exit 4', 'exec_die 4']);
    const execIds = new Set(events.map((event) => event.Actor.Attributes.execID));
    assert.equal(execIds.size, 1);
    assert.match([...execIds][0], /^[0-9a-f]{64}$/);
  });

  it('docker events through wharf serve: attach, pause, unpause, top, exec, rm -f; wharf events sees the same', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const docker: Runner = (args) => api.docker(args);
    const since = unixSeconds();
    assert.equal((await docker(['run', '--rm', '--name', 'attached', '--label', 'k=v', 'busybox', 'sh', '-c', 'exit 5'])).code, 5);
    const id = ok(await docker(['run', '-d', '--name', 'served', 'busybox', 'sleep', '1000'])).stdout.trim();
    for (const args of [['pause', 'served'], ['unpause', 'served'], ['top', 'served'], ['exec', 'served', 'true'], ['rm', '-f', 'served']]) ok(await docker(args), args[0]);
    const viaDocker = await containerEvents(docker, since);
    const attachedId = viaDocker.find((event) => event.Actor.Attributes.name === 'attached')?.Actor.ID ?? '';
    assert.deepEqual(actions(viaDocker, attachedId), ['create', 'attach', 'start', 'die 5', 'destroy']);
    assert.ok(viaDocker.filter((event) => event.Actor.ID === attachedId).every((event) => event.Actor.Attributes.k === 'v' && event.Actor.Attributes.image === 'busybox'), 'labels and image');
    assert.deepEqual(actions(viaDocker, id), ['create', 'start', 'pause', 'unpause', 'top', 'exec_create: true ', 'exec_start: true ', 'exec_die 0', 'kill 9', 'die 137', 'destroy']);
    const viaWharf = await containerEvents(wharf.run, since);
    assert.deepEqual(viaWharf.map((event) => [event.Action, event.Actor]), viaDocker.map((event) => [event.Action, event.Actor]));
  });
});
