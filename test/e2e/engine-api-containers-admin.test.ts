// `wharf serve`: the docker CLI's container administration (restart, rename, pause, top, stats, diff, export, prune, port, resize) against wharf's Engine API.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { failsWithOneLine, lines, ok, readTarFiles } from '../helpers/cli-fixtures.ts';
import { eventually } from '../helpers/busybox-wharf.ts';
import { busyboxApi, type EngineApi } from '../helpers/engine-api.ts';
import { freePort } from '../helpers/registry-server.ts';
import { tempDir } from '../helpers/wharf-cli.ts';

/** docker 28 prints the daemon's message for a 404; docker 20.10 (Debian's) its own. */
const NO_SUCH_CONTAINER = /^(Error response from daemon|Error): No such container: nope$/;
/** Prints a growing count, ten a second, so a paused container's log stands still. */
const TICKER = 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done';

async function logLines(api: EngineApi, name: string): Promise<number> {
  return lines(ok(await api.docker(['logs', name])).stdout).length;
}

/** The first `count` lines of a streamed stats answer, then the client goes away. */
function streamedStats(api: EngineApi, name: string, count: number): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const call = request({ socketPath: api.socket, path: `/v1.47/containers/${name}/stats` }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk;
        const got = lines(text).filter((line) => line.endsWith('}'));
        if (got.length < count) return;
        call.destroy();
        resolve(got.slice(0, count).map((line) => JSON.parse(line) as Record<string, unknown>));
      });
      response.on('end', () => reject(new Error(`the stream ended early: ${text}`)));
    });
    call.on('error', reject);
    call.end();
  });
}

describe('wharf serve (Engine API): container administration', () => {
  it("restarts, renames, pauses and unpauses for the docker CLI, with dockerd's errors", async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const id = ok(await api.docker(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', TICKER])).stdout.trim();
    const startedAt = async (name: string) => ok(await api.docker(['inspect', '-f', '{{.State.Status}} {{.State.StartedAt}}', name])).stdout;
    const before = await startedAt('ticker');
    assert.equal(ok(await api.docker(['restart', '-t', '1', 'ticker'])).stdout, 'ticker\n');
    const after = await startedAt('ticker');
    assert.match(after, /^running /);
    assert.notEqual(after, before, 'a new start');
    assert.match(failsWithOneLine(await api.docker(['restart', 'nope'])), NO_SUCH_CONTAINER);

    assert.deepEqual(await api.docker(['rename', 'ticker', 'counter']), { code: 0, stdout: '', stderr: '' });
    assert.equal(ok(await wharf.run(['ps', '--format', '{{.ID}} {{.Names}}'])).stdout, `${id.slice(0, 12)} counter\n`, "wharf's own CLI sees the new name");
    const otherId = ok(await api.docker(['create', '--name', 'other', 'busybox', 'true'])).stdout.trim();
    const taken = `Error response from daemon: Error when allocating new name: Conflict. The container name "/other" is already in use by container "${otherId}". You have to remove (or rename) that container to be able to reuse that name.`;
    // docker/cli adds a line of its own after the daemon's
    const refused = (message: string) => ({ code: 1, stdout: '', stderr: `${message}\nError: failed to rename container named counter\n` });
    assert.deepEqual(await api.docker(['rename', 'counter', 'other']), refused(taken));
    assert.equal((await api.http('POST', '/v1.47/containers/counter/rename?name=other')).status, 409);
    assert.deepEqual(await api.docker(['rename', 'counter', 'counter']), refused('Error response from daemon: Renaming a container with the same name as its current name'));
    assert.equal((await api.http('POST', '/v1.47/containers/counter/rename?name=counter')).status, 400);

    assert.equal(ok(await api.docker(['pause', 'counter'])).stdout, 'counter\n');
    const frozen = await logLines(api, 'counter');
    await sleep(700);
    assert.equal(await logLines(api, 'counter'), frozen, 'nothing printed while paused');
    // shown as paused, as dockerd shows it: ps's status, the status filter, inspect, info; wharf's own CLI alike
    assert.match(ok(await api.docker(['ps', '--filter', 'status=paused', '--format', '{{.Names}} {{.Status}} {{.State}}'])).stdout, /^counter Up .+ \(Paused\) paused\n$/);
    assert.equal(ok(await wharf.run(['ps', '--filter', 'status=running', '--format', '{{.Names}}'])).stdout, '', 'a paused container is not running in the status filter');
    assert.equal(ok(await api.docker(['inspect', '-f', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', 'counter'])).stdout, 'paused true true\n');
    assert.equal(ok(await api.docker(['info', '--format', '{{.ContainersPaused}} {{.ContainersRunning}}'])).stdout, '1 0\n');
    assert.equal(failsWithOneLine(await api.docker(['pause', 'counter'])), `Error response from daemon: container ${id} is already paused`);
    assert.equal(ok(await api.docker(['unpause', 'counter'])).stdout, 'counter\n');
    await eventually(async () => ((await logLines(api, 'counter')) > frozen ? true : undefined), 'the count goes on once unpaused');
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'counter'])).stdout, 'running false\n');
    assert.equal(failsWithOneLine(await api.docker(['unpause', 'counter'])), `Error response from daemon: Container ${id} is not paused`);
    assert.equal(failsWithOneLine(await api.docker(['pause', 'other'])), `Error response from daemon: container ${otherId} is not running`);
    assert.equal((await api.http('POST', '/v1.47/containers/other/pause')).status, 409);

    // a paused container still stops: the stop's signal thaws it, as dockerd's does
    ok(await api.docker(['pause', 'counter']));
    assert.equal(ok(await api.docker(['stop', '-t', '1', 'counter'])).stdout, 'counter\n');
    assert.equal(ok(await api.docker(['inspect', '-f', '{{.State.Status}}', 'counter'])).stdout, 'exited\n');
  });

  it("shows processes, stats, changes and the filesystem as wharf's own CLI does: top, stats --no-stream, diff, export", async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const script = 'echo new > /tmp/new; rm /etc/motd; echo more >> /app/hello.sh; touch /tmp/ready; exec sleep 300';
    const id = ok(await api.docker(['run', '-d', '--name', 'busy', 'busybox', 'sh', '-c', script])).stdout.trim();
    await eventually(async () => (ok(await api.docker(['diff', 'busy'])).stdout.includes('/tmp/ready') ? true : undefined), 'the script has run');

    const top = ok(await api.docker(['top', 'busy'])).stdout;
    assert.match(top, /^UID +PID +PPID +C +STIME +TTY +TIME +CMD\n/);
    assert.match(top, /\bsleep 300\n$/);
    // ps's C, the CPU share over the process's life, may change between two calls
    const withoutC = (table: string) => lines(table).map((line) => line.split(/\s+/).filter((_, column) => column !== 3).join(' '));
    assert.deepEqual(withoutC(top), withoutC(ok(await wharf.run(['top', 'busy'])).stdout));
    assert.equal(ok(await api.docker(['top', 'busy', '-o', 'pid,ppid,user,args'])).stdout, ok(await wharf.run(['top', 'busy', '-o', 'pid,ppid,user,args'])).stdout);
    const topJson = JSON.parse((await api.http('GET', '/v1.47/containers/busy/top?ps_args=-o%20pid,args')).body) as { Titles: string[]; Processes: string[][] };
    assert.deepEqual(topJson.Titles, ['PID', 'COMMAND']);
    assert.deepEqual(topJson.Processes.map((process) => process[1]), ['sleep 300']);

    const diff = ok(await api.docker(['diff', 'busy'])).stdout;
    assert.equal(diff, ok(await wharf.run(['diff', 'busy'])).stdout);
    for (const change of ['A /tmp/new', 'D /etc/motd', 'C /app/hello.sh']) assert.ok(lines(diff).includes(change), `${change} in ${diff}`);
    const changes = JSON.parse((await api.http('GET', '/v1.47/containers/busy/changes')).body) as Array<{ Path: string; Kind: number }>;
    assert.deepEqual(['/tmp/new', '/app/hello.sh', '/etc/motd'].map((path) => changes.find((change) => change.Path === path)?.Kind), [1, 0, 2]);

    const exported = join(tempDir(t), 'busy.tar');
    ok(await api.docker(['export', '-o', exported, 'busy']));
    const files = await readTarFiles(exported);
    assert.equal(files.get('tmp/new')?.toString(), 'new\n');
    assert.match(files.get('app/hello.sh')?.toString() ?? '', /more\n$/);
    assert.equal(files.has('etc/motd'), false);
    const ownExport = join(tempDir(t), 'own.tar');
    ok(await wharf.run(['export', '-o', ownExport, 'busy']));
    assert.deepEqual([...files.keys()].sort(), [...(await readTarFiles(ownExport)).keys()].sort(), "the same files as wharf's own export");
    assert.match(failsWithOneLine(await api.docker(['export', '-o', join(tempDir(t), 'nope.tar'), 'nope'])), NO_SUCH_CONTAINER);

    const statsFormat = '{{.Name}} {{.ID}} {{.PIDs}} {{.CPUPerc}} {{.MemUsage}}';
    const row = ok(await api.docker(['stats', '--no-stream', '--format', statsFormat, 'busy'])).stdout;
    assert.match(row, new RegExp(`^busy ${id.slice(0, 12)} 1 \\d+\\.\\d\\d% [\\d.]+[KM]iB / [\\d.]+[MG]iB\\n$`));
    const wharfRow = ok(await wharf.run(['stats', '--no-stream', '--format', statsFormat, 'busy'])).stdout;
    assert.equal(row.split(' ').slice(0, 3).join(' '), wharfRow.split(' ').slice(0, 3).join(' '));
    const sampled = JSON.parse((await api.http('GET', '/v1.47/containers/busy/stats?stream=false')).body);
    assert.equal(sampled.id, id);
    assert.equal(sampled.name, '/busy');
    assert.equal(sampled.pids_stats.current, 1);
    assert.ok(sampled.memory_stats.usage > 0 && sampled.memory_stats.limit >= sampled.memory_stats.usage, JSON.stringify(sampled.memory_stats));
    assert.ok(sampled.cpu_stats.system_cpu_usage > sampled.precpu_stats.system_cpu_usage, 'two samples, the previous one first');
    assert.ok(Date.parse(sampled.read) - Date.parse(sampled.preread) >= 900, `${sampled.preread} then ${sampled.read}`);
    assert.ok(sampled.networks.eth0.rx_bytes >= 0);
    const oneShot = JSON.parse((await api.http('GET', '/v1.47/containers/busy/stats?stream=false&one-shot=true')).body);
    assert.equal(oneShot.preread, '0001-01-01T00:00:00Z');
    assert.equal(oneShot.precpu_stats.system_cpu_usage, undefined);

    const [first, second] = await streamedStats(api, 'busy', 2);
    assert.equal(first.preread, '0001-01-01T00:00:00Z');
    assert.equal(second.preread, first.read, 'each streamed sample carries the one before');
    assert.equal(ok(await api.docker(['top', 'busy', '-o', 'pid'])).code, 0, 'the server goes on once a stats client has gone');

    ok(await api.docker(['stop', '-t', '0', 'busy']));
    const stoppedFormat = '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.NetIO}} {{.PIDs}}';
    const stopped = ok(await api.docker(['stats', '--no-stream', '--format', stoppedFormat, 'busy'])).stdout;
    assert.equal(stopped, 'busy 0.00% 0B / 0B 0B / 0B 0\n');
    assert.equal(stopped, ok(await wharf.run(['stats', '--no-stream', '--format', stoppedFormat, 'busy'])).stdout);
    assert.equal(failsWithOneLine(await api.docker(['top', 'busy'])), `Error response from daemon: container ${id} is not running`);
  });

  it('prunes stopped containers for `docker container prune`: its filters, the IDs removed and the space reclaimed', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const kept = ok(await api.docker(['create', '--name', 'kept', '--label', 'keep=yes', 'busybox', 'true'])).stdout.trim();
    ok(await api.docker(['run', '--name', 'big', 'busybox', 'dd', 'if=/dev/zero', 'of=/big', 'bs=1024', 'count=300']));
    const big = ok(await api.docker(['inspect', '-f', '{{.Id}}', 'big'])).stdout.trim();
    ok(await api.docker(['run', '-d', '--name', 'live', 'busybox', 'sleep', '300']));

    const pruned = ok(await api.docker(['container', 'prune', '-f', '--filter', 'label!=keep=yes'])).stdout;
    const reclaimed = new RegExp(`^Deleted Containers:\\n${big}\\n\\nTotal reclaimed space: (\\d+(?:\\.\\d+)?)kB\\n$`).exec(pruned);
    assert.ok(reclaimed, pruned);
    assert.ok(Number(reclaimed[1]) >= 307.2, `the 300 KiB file counted: ${pruned}`);
    assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'live\nkept\n', 'the running and the filtered-out containers stay');
    assert.equal(ok(await api.docker(['container', 'prune', '-f'])).stdout, `Deleted Containers:\n${kept}\n\nTotal reclaimed space: 0B\n`);
    const none = await api.http('POST', '/v1.47/containers/prune');
    assert.deepEqual([none.status, JSON.parse(none.body)], [200, { ContainersDeleted: null, SpaceReclaimed: 0 }]);
    assert.match(failsWithOneLine(await api.docker(['container', 'prune', '-f', '--filter', 'nope=1'])), /^Error response from daemon: Invalid filter 'nope'$/i);
  });

  it('shows each container\'s size for `docker ps -s` as wharf ps -s does', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    ok(await api.docker(['run', '--name', 'writer', 'busybox', 'dd', 'if=/dev/zero', 'of=/big', 'bs=1024', 'count=300']));
    const format = ['--format', '{{.Names}} {{.Size}}'];
    const sized = ok(await api.docker(['ps', '-a', '-s', ...format])).stdout;
    assert.match(sized, /^writer 30\d(\.\d+)?kB \(virtual \d+(\.\d+)?MB\)\n$/);
    assert.equal(sized, ok(await wharf.run(['ps', '-a', '-s', ...format])).stdout);
  });

  it('prunes stopped containers, dangling images and build cache for `docker system prune`', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    ok(await api.docker(['run', '--name', 'done', 'busybox', 'sh', '-c', 'echo x > /x']));
    const stopped = ok(await api.docker(['inspect', '-f', '{{.Id}}', 'done'])).stdout.trim();
    const dangling = ok(await api.docker(['commit', 'done'])).stdout.trim();
    ok(await api.docker(['run', '-d', '--name', 'live', 'busybox', 'sleep', '300']));
    const pruned = ok(await api.docker(['system', 'prune', '-f'])).stdout;
    assert.match(pruned, new RegExp(`^Deleted Containers:\\n${stopped}\\n\\nDeleted Images:\\ndeleted: ${dangling}\\n(deleted: sha256:[0-9a-f]{64}\\n)*\\nTotal reclaimed space: `));
    assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'live\n');
    assert.equal(ok(await wharf.run(['images', '-q', '--filter', 'dangling=true'])).stdout, '');
    assert.equal(ok(await wharf.run(['images', '--format', '{{.Repository}}'])).stdout, 'busybox\n', 'the image a container uses stays');
  });

  it("lists published ports for `docker port` as wharf's own CLI does, and resizes a TTY container's terminal", async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const port = await freePort();
    ok(await api.docker(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', 'httpd', '-f', '-p', '80']));
    assert.equal(ok(await api.docker(['port', 'web'])).stdout, `80/tcp -> 0.0.0.0:${port}\n`);
    assert.equal(ok(await api.docker(['port', 'web'])).stdout, ok(await wharf.run(['port', 'web'])).stdout);
    assert.equal(ok(await api.docker(['port', 'web', '80/tcp'])).stdout, `0.0.0.0:${port}\n`);
    // docker 28 repeats the port as given, as wharf does; docker 20.10 with its protocol
    assert.match(failsWithOneLine(await wharf.run(['port', 'web', '81'])), /^Error: No public port '81' published for web$/);
    assert.match(failsWithOneLine(await api.docker(['port', 'web', '81'])), /^Error: No public port '81(\/tcp)?' published for web$/);

    ok(await api.docker(['run', '-d', '-t', '--name', 'term', 'busybox', 'sh', '-c', 'while true; do stty size; sleep 0.1; done']));
    assert.equal((await api.http('POST', '/v1.47/containers/term/resize?h=33&w=101')).status, 200);
    await eventually(async () => (ok(await api.docker(['logs', 'term'])).stdout.includes('33 101') ? true : undefined), 'the terminal takes the new size');
    assert.equal((await api.http('POST', '/v1.47/containers/web/resize?h=33&w=101')).status, 200, 'nothing to resize without a TTY, and no error');
    const bad = await api.http('POST', '/v1.47/containers/term/resize?h=tall&w=101');
    assert.deepEqual([bad.status, JSON.parse(bad.body).message], [400, 'invalid resize height "tall": invalid syntax']);
    ok(await api.docker(['stop', '-t', '0', 'web']));
    assert.equal((await api.http('POST', '/v1.47/containers/web/resize?h=33&w=101')).status, 409);
  });
});
