// top, attach, container prune and stats --no-stream through the CLI on runc, with Docker's tables, prompts and errors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { failsWithOneLine, lines, ok, WHARF_BIN } from '../helpers/cli-fixtures.ts';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { makeWharf, type Wharf } from '../helpers/wharf-cli.ts';

const THREE_PROCESSES = ['sh', '-c', 'sleep 300 & sleep 301 & wait'];

/** The cells of a docker/cli table line: its columns are at least three spaces apart, its cells have single spaces at most. */
function cells(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}

async function topRows(wharf: Wharf, name: string, psArgs: string[] = []): Promise<string[][]> {
  return lines(ok(await wharf.run(['top', name, ...psArgs])).stdout).map(cells);
}

describe('top', () => {
  it("lists the container's processes in ps -ef's columns, takes ps options, and refuses a stopped container", async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--name', 'trio', 'busybox', ...THREE_PROCESSES])).stdout.trim();
    const rows = await eventually(async () => {
      const table = await topRows(wharf, 'trio');
      return table.length === 4 ? table : undefined;
    }, 'sh and its two sleeps');
    assert.deepEqual(rows[0], ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    const byCommand = new Map(rows.slice(1).map((row) => [row[7], row]));
    assert.deepEqual([...byCommand.keys()].sort(), ['sh -c sleep 300 & sleep 301 & wait', 'sleep 300', 'sleep 301']);
    const init = byCommand.get('sh -c sleep 300 & sleep 301 & wait')!;
    assert.equal(init[1], ok(await wharf.run(['inspect', '-f', '{{.State.Pid}}', 'trio'])).stdout.trim(), 'the init is the container pid');
    assert.equal(byCommand.get('sleep 300')![2], init[1], 'the sleeps are children of the init');
    assert.equal(init[0], 'root');

    const custom = await topRows(wharf, 'trio', ['-o', 'pid,comm']);
    assert.deepEqual(custom[0], ['PID', 'COMMAND']);
    assert.deepEqual(custom.slice(1).map((row) => row[1]).sort(), ['sh', 'sleep', 'sleep']);

    ok(await wharf.run(['kill', 'trio']));
    await eventually(async () => (ok(await wharf.run(['ps', '-aq', '--filter', 'status=exited'])).stdout.trim() || undefined), 'trio exited');
    failsWithOneLine(await wharf.run(['container', 'top', 'trio']), new RegExp(`^Error response from daemon: container ${id} is not running$`));
  });
});

describe('attach', () => {
  it("streams a detached container's stdout and stderr until it exits, returning its exit code", async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    // ticks until /go exists, so the test can see attach streaming before it lets the container finish
    const script = 'while [ ! -e /go ]; do echo tick; sleep 0.1; done; echo done; echo oops >&2; exit 5';
    ok(await wharf.run(['run', '-d', '--name', 'waiter', 'busybox', 'sh', '-c', script]));
    const attach = spawn(WHARF_BIN, ['attach', 'waiter'], { env: { ...process.env, WHARF_ROOT: wharf.root }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    attach.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => attach.on('close', resolve));
    // the first tick, or an attach that ended without one (then the assertions below say how)
    await new Promise<void>((resolve) => {
      attach.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        if (stdout.includes('tick\n')) resolve();
      });
      void exited.then(() => resolve());
    });
    ok(await wharf.run(['exec', 'waiter', 'touch', '/go']));
    assert.equal(await exited, 5, stderr);
    assert.match(stdout, /^(tick\n)+done\n$/);
    assert.equal(stderr, 'oops\n');
  });

  it("gives Docker's error for a stopped container", async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    ok(await wharf.run(['run', '--name', 'finished', 'busybox', 'true']));
    failsWithOneLine(await wharf.run(['attach', 'finished']), /^Error response from daemon: You cannot attach to a stopped container, start it first$/);
    failsWithOneLine(await wharf.run(['container', 'attach', 'nothing']), /^Error response from daemon: No such container: nothing$/);
  });
});

describe('container prune', () => {
  const PROMPT = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ';

  it('asks first, then removes created and exited containers but not running ones, reporting their IDs and size', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    ok(await wharf.run(['run', '--name', 'wrote', 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /blob']));
    const exited = ok(await wharf.run(['inspect', '-f', '{{.Id}}', 'wrote'])).stdout.trim();
    const created = ok(await wharf.run(['create', '--name', 'fresh', 'busybox', 'true'])).stdout.trim();
    const labelled = ok(await wharf.run(['create', '--name', 'tagged', '--label', 'scratch=yes', 'busybox', 'true'])).stdout.trim();
    ok(await wharf.run(['run', '-d', '--name', 'live', 'busybox', 'sleep', '300']));
    const names = async () => ok(await wharf.run(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort();

    const declined = ok(await wharf.run(['container', 'prune'], { input: 'n\n' }));
    assert.equal(declined.stdout, PROMPT);
    assert.deepEqual(await names(), ['fresh', 'live', 'tagged', 'wrote'], "'n' keeps them all");

    const byLabel = ok(await wharf.run(['container', 'prune', '-f', '--filter', 'label=scratch=yes']));
    assert.equal(byLabel.stdout, `Deleted Containers:\n${labelled}\n\nTotal reclaimed space: 0B\n`);

    const pruned = ok(await wharf.run(['container', 'prune'], { input: 'y\n' }));
    assert.ok(pruned.stdout.startsWith(PROMPT), pruned.stdout);
    const report = pruned.stdout.slice(PROMPT.length).split('\n');
    assert.equal(report[0], 'Deleted Containers:');
    assert.deepEqual(report.slice(1, 3).sort(), [created, exited].sort());
    assert.deepEqual(report.slice(3), ['', 'Total reclaimed space: 5kB', ''], 'the 5000 bytes the exited one wrote');
    assert.deepEqual(await names(), ['live']);
    assert.equal(ok(await wharf.run(['container', 'prune', '-f'])).stdout, 'Total reclaimed space: 0B\n', 'nothing left to prune');
  });
});

describe('stats --no-stream', () => {
  const HEADER = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];

  it("shows a running container's CPU, memory against its limit, and PIDs; -a adds stopped ones as zeros", async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--name', 'busy', '-m', '64m', 'busybox', ...THREE_PROCESSES])).stdout.trim();
    const stopped = ok(await wharf.run(['create', '--name', 'idle', 'busybox', 'true'])).stdout.trim();
    await eventually(async () => ((await topRows(wharf, 'busy')).length === 4 || undefined), 'sh and its two sleeps');

    const table = lines(ok(await wharf.run(['stats', '--no-stream'])).stdout).map(cells);
    assert.deepEqual(table[0], HEADER);
    assert.equal(table.length, 2, 'running containers only');
    const [shortId, name, cpu, memory, memoryPercent, , , pids] = table[1];
    assert.deepEqual([shortId, name, pids], [id.slice(0, 12), 'busy', '3']);
    assert.match(cpu, /^\d+\.\d\d%$/);
    assert.match(memory, /^\d+(\.\d+)?(KiB|MiB) \/ 64MiB$/);
    assert.match(memoryPercent, /^\d+\.\d\d%$/);
    assert.notEqual(memory.split(' ')[0], '0B', 'some memory in use');

    const all = ok(await wharf.run(['container', 'stats', '--no-stream', '-a', '--no-trunc', '--format', '{{.ID}} {{.Name}} {{.PIDs}} {{.MemUsage}}'])).stdout;
    assert.equal(lines(all).find((line) => line.startsWith(stopped)), `${stopped} idle 0 0B / 0B`);
    assert.match(all, new RegExp(`^${id} busy 3 \\S+ / 64MiB$`, 'm'));
    assert.equal(ok(await wharf.run(['stats', '--no-stream', '--format', '{{.Container}}', 'busy'])).stdout, 'busy\n', 'a named container is shown by the name given');
  });

  it('refuses to stream; the new commands are in --help', async (t) => {
    const result = await makeWharf(t).run(['stats']);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /^[^\n]*--no-stream\n$/);
    const help = lines(ok(await makeWharf(t).run(['--help'])).stdout).map((line) => line.trim());
    for (const name of ['attach', 'container attach', 'top', 'container top', 'stats', 'container stats', 'container prune']) assert.ok(help.includes(name), name);
  });
});

describe('restart', () => {
  it('stops and starts a running container again, taking -t, --timeout and the old --time', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--network', 'none', 'busybox', 'sleep', '300'])).stdout.trim();
    const started = async () => ok(await wharf.run(['inspect', '-f', '{{.State.Status}} {{.State.StartedAt}}', id])).stdout.trim();
    let previous = await started();
    for (const flag of ['-t', '--timeout', '--time']) {
      assert.equal(ok(await wharf.run(['restart', flag, '0', id])).stdout, `${id}\n`, flag);
      const now = await started();
      assert.match(now, /^running /, flag);
      assert.notEqual(now, previous, `${flag}: a new start time`);
      previous = now;
    }
  });
});

describe('a reader that goes away', () => {
  it("ends logs, export and cp to stdout at once, quietly, with status 141, as SIGPIPE ends Docker's CLI", async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    // more than a pipe's 64 KiB, so the output cannot all be written before the reader goes
    ok(await wharf.run(['run', '--name', 'chatty', 'busybox', 'sh', '-c', 'yes line | head -n 40000']));
    for (const args of [['logs', 'chatty'], ['export', 'chatty'], ['cp', 'chatty:/bin', '-']]) {
      assert.deepEqual(await wharf.runToGoneReader(args), { code: 141, signal: null, stderr: '' }, args.join(' '));
    }
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'chatty'])).stdout, 'exited 0\n');
  });
});
