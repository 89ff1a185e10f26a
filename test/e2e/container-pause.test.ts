// `wharf pause` / `wharf unpause`: every process of a running container frozen and thawed, each name printed as given, dockerd's errors for the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import type { Wharf } from '../helpers/wharf-cli.ts';

/** Prints a growing count, ten a second, so a paused container's log stands still. */
const TICKER = 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done';
const logLines = async (wharf: Wharf, name: string) => ok(await wharf.run(['logs', name])).stdout.split('\n').length;

describe('wharf pause and unpause', () => {
  it('freezes and thaws each container named, goes on past one that fails, and gives dockerd\'s errors', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--name', 'ticker', '--network', 'none', 'busybox', 'sh', '-c', TICKER])).stdout.trim();
    ok(await wharf.run(['create', '--name', 'idle', 'busybox', 'true']));
    const idleId = ok(await wharf.run(['inspect', '-f', '{{.Id}}', 'idle'])).stdout.trim();

    const paused = await wharf.run(['pause', 'ticker', 'nope', 'idle']);
    assert.equal(paused.code, 1);
    assert.equal(paused.stdout, 'ticker\n');
    assert.equal(paused.stderr, `Error response from daemon: No such container: nope\nError response from daemon: container ${idleId} is not running\n`);
    const frozen = await logLines(wharf, 'ticker');
    await sleep(500);
    assert.equal(await logLines(wharf, 'ticker'), frozen, 'nothing printed while paused');
    assert.match(ok(await wharf.run(['ps', '--format', '{{.Names}} {{.Status}}'])).stdout, /^ticker Up .+ \(Paused\)\n$/);
    assert.equal((await wharf.run(['container', 'pause', 'ticker'])).stderr, `Error response from daemon: container ${id} is already paused\n`);

    assert.deepEqual(await wharf.run(['unpause', 'ticker']), { code: 0, stdout: 'ticker\n', stderr: '' });
    await eventually(async () => ((await logLines(wharf, 'ticker')) > frozen ? true : undefined), 'the count goes on once unpaused');
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'ticker'])).stdout, 'running false\n');
    const again = await wharf.run(['container', 'unpause', 'ticker']);
    assert.deepEqual([again.code, again.stderr], [1, `Error response from daemon: Container ${id} is not paused\n`]);
    assert.match((await wharf.run(['pause'])).stderr, /^"wharf pause" requires at least 1 argument\./);
  });
});
