// The native container monitor through the CLI: restart policies, log rotation and bytes that are not UTF-8, a terminal with stdin, a monitor that stays small, and what a killed monitor leaves to system prune.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { runCommand } from '../helpers/run-command.ts';

const inspect = async (wharf: { run: (args: string[]) => Promise<{ stdout: string; code: number; stderr: string }> }, format: string, id: string) => ok(await wharf.run(['inspect', '-f', format, id])).stdout.trim();

describe('the container monitor', () => {
  it('restarts on failure up to the retry count, keeps every run in the logs, and stops restarting once stopped', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const failing = ok(await wharf.run(['run', '-d', '--network', 'none', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo ran; exit 5'])).stdout.trim();
    const final = await eventually(async () => {
      const state = await inspect(wharf, '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', failing);
      return state === 'exited 2 5' ? state : undefined;
    }, 'three runs, then exited');
    assert.equal(final, 'exited 2 5');
    assert.equal(ok(await wharf.run(['logs', failing])).stdout, 'ran\nran\nran\n');
    const always = ok(await wharf.run(['run', '-d', '--network', 'none', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2; exit 1'])).stdout.trim();
    // between two runs (the back-off doubles each time) there is no process for stop to signal
    await eventually(async () => ((await inspect(wharf, '{{.State.Status}}', always)) === 'restarting' ? true : undefined), 'a back-off between runs');
    ok(await wharf.run(['stop', '-t', '1', always]));
    const stopped = await inspect(wharf, '{{.State.Status}} {{.RestartCount}}', always);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await inspect(wharf, '{{.State.Status}} {{.RestartCount}}', always), stopped, 'not restarted after stop');
    assert.match(stopped, /^exited /);
  });

  it('rotates json-file logs by max-size and max-file, and writes bytes that are not UTF-8 as U+FFFD', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const script = 'i=0; while [ $i -lt 100 ]; do echo line $i; i=$((i+1)); done; printf "\\377 tail"';
    const id = ok(await wharf.run(['run', '-d', '--network', 'none', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script])).stdout.trim();
    assert.equal(ok(await wharf.run(['wait', id])).stdout, '0\n');
    const dir = join(wharf.root, 'containers', id);
    const logs = readdirSync(dir).filter((name) => name.includes('-json.log')).sort();
    assert.deepEqual(logs, [`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2`]);
    for (const name of logs) assert.ok(statSync(join(dir, name)).size <= 1024, `${name} within max-size`);
    const entries = readFileSync(join(dir, `${id}-json.log`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { log: string; stream: string; time: string });
    assert.deepEqual(entries.at(-2), { ...entries.at(-2), log: 'line 99\n', stream: 'stdout' });
    assert.equal(entries.at(-1)?.log, '\ufffd tail');
    assert.match(entries.at(-1)?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });

  it('gives a -it container a terminal that takes the client\'s input, and returns its exit code', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const bin = join(import.meta.dirname, '../../bin/wharf');
    // script(1) gives the CLI a terminal of its own, fed from this pipe
    const session = await runCommand('script', ['-qec', `${bin} run -it --rm --network none busybox sh -c 'read line; echo "got [$line]"; exit 7'`, '/dev/null'], { env: { ...process.env, WHARF_ROOT: wharf.root }, input: 'hello\n' });
    assert.equal(session.code, 7, session.stderr);
    assert.match(session.stdout, /got \[hello\]\r+\n/);
  });

  it('has an attached run --rm removed when the CLI returns, and a run without it released (exited, nothing mounted)', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const removed = await wharf.run(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'echo bye; exit 4']);
    assert.deepEqual([removed.code, removed.stdout, removed.stderr], [4, 'bye\n', '']);
    // no wait: the CLI handled the exit itself, so nothing of the container is left by the time it returned
    assert.equal(ok(await wharf.run(['ps', '-aq'])).stdout, '');
    assert.deepEqual(readdirSync(join(wharf.root, 'containers')), []);
    const kept = await wharf.run(['run', '--name', 'kept', '--network', 'none', 'busybox', 'sh', '-c', 'exit 5']);
    assert.equal(kept.code, 5, kept.stderr);
    assert.equal(await inspect(wharf, '{{.State.Status}} {{.State.ExitCode}}', 'kept'), 'exited 5');
    const id = await inspect(wharf, '{{.Id}}', 'kept');
    assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(`${id}/rootfs`));
    // the monitor clears itself from the row last, once the runtime's record is gone: a start at once waits for that
    // rather than find the monitor alive and do nothing (a second run has a new start time)
    const firstStart = await inspect(wharf, '{{.State.StartedAt}}', 'kept');
    const again = await wharf.run(['start', '-a', 'kept']);
    assert.equal(again.code, 5, again.stderr);
    assert.notEqual(await inspect(wharf, '{{.State.StartedAt}}', 'kept'), firstStart);
    await eventually(async () => (row(wharf.root, id).monitor_pid === null ? true : undefined), 'the monitor gone from the row');
    assert.equal(await inspect(wharf, '{{.RestartCount}} {{.State.Status}}', 'kept'), '0 exited');
  });

  it('hands the exit to the monitor\'s helper when the attached CLI is killed or detaches (Ctrl+P Ctrl+Q)', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const bin = join(import.meta.dirname, '../../bin/wharf');
    const env = { ...process.env, WHARF_ROOT: wharf.root };
    // each container runs until told to end (exec touch /tmp/go), so that it surely outlives its client
    const untilTold = 'until [ -e /tmp/go ]; do sleep 0.05; done';
    const cli = spawn(bin, ['run', '--rm', '--name', 'orphan', '--network', 'none', 'busybox', 'sh', '-c', untilTold], { env, stdio: 'ignore' });
    await eventually(async () => (ok(await wharf.run(['ps', '-q', '--filter', 'name=orphan'])).stdout ? true : undefined), 'the container running');
    cli.kill('SIGKILL');
    ok(await wharf.run(['exec', 'orphan', 'touch', '/tmp/go']));
    await eventually(async () => (ok(await wharf.run(['ps', '-aq'])).stdout === '' && readdirSync(join(wharf.root, 'containers')).length === 0 ? true : undefined), 'the helper removed it');

    // script(1) gives the CLI a terminal, in which Ctrl+P Ctrl+Q detaches; typed once the container runs, when the CLI's
    // terminal is raw (before, the terminal's own flow control would take Ctrl+Q)
    const session = spawn('script', ['-qec', `${bin} run -it --rm --name detached --network none busybox sh -c '${untilTold}'`, '/dev/null'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    const ended = new Promise<number | null>((resolve) => session.on('close', resolve));
    await eventually(async () => (ok(await wharf.run(['ps', '-q', '--filter', 'name=detached'])).stdout ? true : undefined), 'the attached container running');
    session.stdin.write('\x10\x11');
    assert.equal(await ended, 0);
    assert.notEqual(ok(await wharf.run(['ps', '-q', '--filter', 'name=detached'])).stdout, '', 'still running after the detach');
    ok(await wharf.run(['exec', 'detached', 'touch', '/tmp/go']));
    await eventually(async () => (ok(await wharf.run(['ps', '-aq'])).stdout === '' ? true : undefined), 'the helper removed the detached one');
  });

  it('fails a start whose root cannot be mounted with the mount\'s error, leaving the container created and nothing running', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['create', '--network', 'none', 'busybox', 'true'])).stdout.trim();
    // the monitor mounts the root: a lower dir gone makes its mount(2) fail
    rmSync(join(wharf.root, 'containers', id, 'init'), { recursive: true });
    const started = await wharf.run(['start', id]);
    assert.equal(started.code, 1);
    assert.match(started.stderr, new RegExp(`Error response from daemon: mount ${join(wharf.root, 'containers', id, 'rootfs')}: No such file or directory\n`));
    assert.equal(await inspect(wharf, '{{.State.Status}}', id), 'created');
    assert.equal(row(wharf.root, id).pid, null);
    assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(id));
    ok(await wharf.run(['rm', id]));
  });

  it('mounts an --rm container\'s root volatile (its unmount syncs no disk); one whose start fails is unmounted and removed, as dockerd removes it', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--rm', '--network', 'none', 'busybox', 'sleep', '60'])).stdout.trim();
    const kept = ok(await wharf.run(['run', '-d', '--network', 'none', 'busybox', 'sleep', '60'])).stdout.trim();
    const mountOf = (container: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((line) => line.includes(`${container}/rootfs`)) ?? '';
    assert.match(mountOf(id), /(fsync=|,)volatile(,|$)/);
    assert.doesNotMatch(mountOf(kept), /volatile/, 'a kept container\'s changes are synced like any file\'s');
    ok(await wharf.run(['rm', '-f', id, kept]));
    const failing = ok(await wharf.run(['create', '--rm', '-u', 'nosuch', '--network', 'none', 'busybox', 'true'])).stdout.trim();
    const started = await wharf.run(['start', failing]);
    assert.equal(started.code, 1);
    assert.match(started.stderr, /unable to find user nosuch: no matching entries in passwd file/);
    assert.equal(ok(await wharf.run(['ps', '-a', '-q', '--no-trunc'])).stdout, '', 'the --rm container whose start failed is gone');
    assert.equal(mountOf(failing), '', 'its root unmounted');
    assert.ok(!existsSync(join(wharf.root, 'containers', failing)), 'its directory removed');
  });

  it('keeps each running container\'s monitor under 5 MB', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--network', 'none', 'busybox', 'sleep', '60'])).stdout.trim();
    const pid = row(wharf.root, id).monitor_pid;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    assert.ok(rssKb > 0 && rssKb < 5 * 1024, `monitor RSS ${rssKb} kB`);
    ok(await wharf.run(['rm', '-f', id]));
  });

  it('leaves system prune to delete the runtime\'s record, process and cgroup of a container whose removal a killed monitor cut short', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--network', 'none', 'busybox', 'sleep', '60'])).stdout.trim();
    const { monitor_pid: monitor, pid: init } = row(wharf.root, id);
    process.kill(monitor, 'SIGKILL');
    await eventually(async () => (existsSync(`/proc/${monitor}`) ? undefined : true), 'the monitor gone');
    // what an --rm removal had done when its monitor died before `runc delete`: record, mount and directory gone
    const dir = join(wharf.root, 'containers', id);
    ok(await runCommand('umount', ['-l', join(dir, 'rootfs')]));
    rmSync(dir, { recursive: true, force: true });
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(join(wharf.root, 'metadata.db'));
    db.prepare('DELETE FROM containers WHERE id = ?').run(id);
    db.close();
    const state = join(wharf.root, 'runtime/runc', id);
    assert.ok(existsSync(state) && existsSync(`/proc/${init}`), 'the runtime still knows the container, and it runs');
    ok(await wharf.run(['system', 'prune', '-f']));
    assert.equal(existsSync(state), false, 'the runtime\'s record is gone');
    await eventually(async () => (existsSync(`/proc/${init}`) ? undefined : true), 'the container\'s process gone');
    assert.equal(existsSync(`/sys/fs/cgroup/memory/wharf/${id}`), false, 'its cgroup is gone');
  });

  it('makes no new store where a data root was removed while its container still ran', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const id = ok(await wharf.run(['run', '-d', '--network', 'none', 'busybox', 'sleep', '1'])).stdout.trim();
    const { monitor_pid: monitor } = row(wharf.root, id);
    // what an `rm -rf` of the data root (a test's cleanup, a user's) does while the container runs
    ok(await runCommand('umount', ['-l', join(wharf.root, 'containers', id, 'rootfs')]));
    rmSync(wharf.root, { recursive: true, force: true });
    await eventually(async () => (existsSync(`/proc/${monitor}`) ? undefined : true), 'the monitor gone once the container ended');
    assert.equal(existsSync(join(wharf.root, 'metadata.db')), false, 'the exit helper made no new, empty store there');
    assert.equal(existsSync(wharf.root), false, 'nothing at all came back');
  });
});

/** Read from the store directly: nothing in Docker's CLI shows a monitor's pid. */
function row(root: string, id: string): { monitor_pid: number; pid: number } {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const db = new DatabaseSync(join(root, 'metadata.db'), { readOnly: true });
  try {
    return db.prepare('SELECT monitor_pid, pid FROM containers WHERE id = ?').get(id) as { monitor_pid: number; pid: number };
  } finally {
    db.close();
  }
}
