// Containers through the CLI on runc: exit codes, stdout/stderr, env, workdir, user, -d + logs -f + stop, exec, ps formats, rm and rmi conflicts, a dead monitor.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { busyboxFixture, writeClassicArchive } from '../helpers/image-builder.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { runCommand } from '../helpers/run-command.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const canRun = process.getuid?.() === 0 ? undefined : 'needs root (runc, namespaces)';
let archive: string;

before(async () => {
  archive = join(tempDir(undefined, 'wharf-containers-'), 'busybox.tar');
  await writeClassicArchive(archive, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
});
after(() => rmSync(dirname(archive), { recursive: true, force: true }));

/** makeWharf's cleanup removes the containers a test left, running ones too, before the data root goes. */
async function wharfWithBusybox(t: TestContext): Promise<Wharf> {
  const wharf = makeWharf(t);
  ok(await wharf.run(['load', '-i', archive]));
  return wharf;
}

describe('wharf run', { skip: canRun }, () => {
  it('passes the exit code and keeps stdout and stderr apart', async (t) => {
    const wharf = await wharfWithBusybox(t);
    const result = await wharf.run(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([result.code, result.stdout, result.stderr], [3, 'out\n', 'err\n']);
    assert.equal(ok(await wharf.run(['ps', '-aq'])).stdout, '', '--rm removed it');
    assert.deepEqual((await wharf.run(['run', '--rm', 'busybox', 'echo', 'hi'])).stdout, 'hi\n');
  });

  it('probes the runtime once per data root, in the data root, and clears what a killed probe left there', async (t) => {
    const wharf = await wharfWithBusybox(t);
    const runtimes = join(wharf.root, 'runtimes');
    // a probe of a process that is gone (pid 2^22 + 1 is past Linux's pid_max)
    mkdirSync(join(runtimes, 'probe-4194305', 'rootfs'), { recursive: true });
    ok(await wharf.run(['run', '--rm', 'busybox', 'true']));
    const left = readdirSync(runtimes);
    assert.ok(left.every((name) => !name.startsWith('probe-')), `no probe left: ${left.join(', ')}`);
    const verdicts = left.filter((name) => name.endsWith('.json')).map((name) => JSON.parse(readFileSync(join(runtimes, name), 'utf8')) as { ok: boolean });
    assert.ok(verdicts.some((verdict) => verdict.ok), 'a working runtime is recorded');
  });

  it('gives 127 for a command not found and 126 for one that cannot run, with the runtime error', async (t) => {
    const wharf = await wharfWithBusybox(t);
    const missing = await wharf.run(['run', '--rm', 'busybox', 'nope']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /^wharf: Error response from daemon: failed to create task for container: .*exec: "nope": executable file not found in \$PATH: unknown\n/);
    assert.equal(missing.stdout, '');
    const notExecutable = await wharf.run(['run', '--rm', 'busybox', '/etc/motd']);
    assert.equal(notExecutable.code, 126, notExecutable.stderr);
    const noImage = await wharf.run(['run', '--rm', 'nope.invalid/x']);
    assert.equal(noImage.code, 125);
  });

  it('applies -e, --env-file, -w, -u, --hostname, --entrypoint and the image env', async (t) => {
    const wharf = await wharfWithBusybox(t);
    const envFile = join(tempDir(t), 'env');
    writeFileSync(envFile, '# comment\nFROM_FILE=yes\n');
    const result = ok(await wharf.run(['run', '--rm', '-e', 'A=1', '--env-file', envFile, '-w', '/tmp', '-u', 'nobody', '--hostname', 'box', 'busybox', 'sh', '-c', 'echo $A $FROM_FILE $HOSTNAME $PATH; pwd; id; hostname']));
    assert.equal(result.stdout, '1 yes box /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n/tmp\nuid=65534(nobody) gid=65534(nobody) groups=65534(nobody)\nbox\n');
    assert.equal(ok(await wharf.run(['run', '--rm', '-u', '1234:5', 'busybox', 'id'])).stdout, 'uid=1234 gid=5 groups=5\n', 'the primary group is a supplementary one too, as in Docker');
    assert.equal(ok(await wharf.run(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'via', 'entrypoint'])).stdout, 'via entrypoint\n');
    const unknown = await wharf.run(['run', '--rm', '-u', 'ghost', 'busybox', 'id']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /unable to find user ghost: no matching entries in passwd file/);
  });

  it('feeds stdin with -i and gives a terminal with -t', async (t) => {
    const wharf = await wharfWithBusybox(t);
    assert.equal(ok(await wharf.run(['run', '--rm', '-i', 'busybox', 'tr', 'a-z', 'A-Z'], { input: 'shout\n' })).stdout, 'SHOUT\n');
    const tty = ok(await wharf.run(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'stty size; tty']));
    assert.equal(tty.stdout, '24 80\r\n/dev/pts/0\r\n');
  });

  it('runs detached: logs -f follows until stop ends it within the timeout, exit code recorded', async (t) => {
    const wharf = await wharfWithBusybox(t);
    const id = ok(await wharf.run(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'trap "echo bye; exit 0" TERM; echo started; while true; do sleep 0.1; done'])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const follow = wharf.run(['logs', '-f', 'ticker']);
    assert.equal(ok(await wharf.run(['ps', '--format', '{{.Names}} {{.State}}'])).stdout, 'ticker running\n');
    const exec = await wharf.run(['exec', '-e', 'X=in', 'ticker', 'sh', '-c', 'echo $X $(hostname)']);
    assert.equal(exec.stdout, `in ${id.slice(0, 12)}\n`);
    assert.equal((await wharf.run(['exec', 'ticker', 'sh', '-c', 'exit 7'])).code, 7);
    assert.equal(ok(await wharf.run(['stop', '-t', '5', 'ticker'])).stdout, 'ticker\n');
    const logs = await follow;
    assert.equal(logs.stdout, 'started\nbye\n');
    assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).stdout.replace(/\d+ seconds?|Less than a second/, 'N'), 'ticker Exited (0) N ago\n');
    assert.equal(ok(await wharf.run(['wait', 'ticker'])).stdout, '0\n');
    const logLines = ok(await wharf.run(['logs', '-t', '--tail', '1', 'ticker'])).stdout;
    assert.match(logLines, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z bye\n$/);
    const [inspected] = JSON.parse(ok(await wharf.run(['inspect', 'ticker'])).stdout);
    assert.deepEqual([inspected.Id, inspected.Name, inspected.State.Status, inspected.State.ExitCode, inspected.Config.Image], [id, '/ticker', 'exited', 0, 'busybox']);
  });

  it("refuses to remove a running container or its image, as Docker words it", async (t) => {
    const wharf = await wharfWithBusybox(t);
    const id = ok(await wharf.run(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
    const rm = await wharf.run(['rm', id.slice(0, 12)]);
    assert.deepEqual([rm.code, rm.stderr], [1, `Error response from daemon: You cannot remove a running container ${id}. Stop the container before attempting removal or force remove\n`]);
    const imageId = ok(await wharf.run(['images', '-q'])).stdout.trim();
    const rmi = await wharf.run(['rmi', 'busybox']);
    assert.deepEqual([rmi.code, rmi.stderr], [1, `Error response from daemon: conflict: unable to remove repository reference "busybox" (must force) - container ${id.slice(0, 12)} is using its referenced image ${imageId}\n`]);
    const name = await wharf.run(['run', '-d', '--name', 'same', 'busybox', 'true']);
    ok(name);
    const again = await wharf.run(['create', '--name', 'same', 'busybox', 'true']);
    assert.equal(again.code, 125);
    assert.match(again.stderr, /Conflict\. The container name "\/same" is already in use by container "[0-9a-f]{64}"/);
    assert.equal(ok(await wharf.run(['rm', '-f', id])).stdout, `${id}\n`);
    assert.equal(ok(await wharf.run(['ps', '-aq', '--no-trunc', '--filter', `id=${id}`])).stdout, '');
  });

  it('ps: Docker columns, -q, -l, -n, --filter status/name/exited/label, --no-trunc', async (t) => {
    const wharf = await wharfWithBusybox(t);
    assert.equal((await wharf.run(['run', '--name', 'first', '--label', 'tier=a', 'busybox', 'sh', '-c', 'exit 2'])).code, 2);
    const second = ok(await wharf.run(['run', '-d', '--name', 'second', 'busybox', 'sleep', '60'])).stdout.trim();
    const table = ok(await wharf.run(['ps'])).stdout.split('\n');
    assert.match(table[0], /^CONTAINER ID   IMAGE     COMMAND      CREATED\s+STATUS\s+PORTS     NAMES$/);
    assert.match(table[1], new RegExp(`^${second.slice(0, 12)}   busybox   "sleep 60"   .* ago\\s+Up .*\\s+second$`));
    assert.equal(table.length, 3);
    assert.equal(ok(await wharf.run(['ps', '-q', '--no-trunc'])).stdout, `${second}\n`);
    assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'second\nfirst\n');
    assert.equal(ok(await wharf.run(['ps', '-l', '--format', '{{.Names}}'])).stdout, 'second\n');
    assert.equal(ok(await wharf.run(['ps', '-n', '2', '--format', '{{.Names}}'])).stdout, 'second\nfirst\n');
    assert.equal(ok(await wharf.run(['ps', '--filter', 'status=exited', '--format', '{{.Names}} {{.State}}'])).stdout, 'first exited\n');
    assert.equal(ok(await wharf.run(['ps', '-a', '--filter', 'exited=2', '--format', '{{.Names}}'])).stdout, 'first\n');
    assert.equal(ok(await wharf.run(['ps', '-a', '--filter', 'label=tier=a', '--format', '{{.Names}}'])).stdout, 'first\n');
    assert.equal(ok(await wharf.run(['ps', '-a', '--filter', 'name=sec', '--format', '{{.Command}}'])).stdout, '"sleep 60"\n');
    const bad = await wharf.run(['ps', '--filter', 'bogus=1']);
    assert.deepEqual([bad.code, bad.stderr], [1, "Error response from daemon: invalid filter 'bogus'\n"]);
  });

  it('shows a container whose monitor was killed as exited, and rm leaves no mount, netns or veth', async (t) => {
    const wharf = await wharfWithBusybox(t);
    // a duration no other test uses, so the process check below cannot see another test's container
    const id = ok(await wharf.run(['run', '-d', 'busybox', 'sleep', '6171'])).stdout.trim();
    const monitorPid = monitorPidOf(wharf.root, id);
    process.kill(monitorPid, 'SIGKILL');
    await waitUntil(() => !existsSync(`/proc/${monitorPid}`));
    assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.State}} {{.Status}}'])).stdout.replace(/\d+ seconds?|Less than a second/, 'N'), 'exited Exited (255) N ago\n');
    ok(await wharf.run(['rm', id]));
    assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(id));
    assert.doesNotMatch((await runCommand('ip', ['netns', 'list'])).stdout, new RegExp(id));
    assert.doesNotMatch((await runCommand('ip', ['-o', 'link'])).stdout, new RegExp(`vw${id.slice(0, 12)}`));
    assert.doesNotMatch((await runCommand('ps', ['-eo', 'args'])).stdout, /^sleep 6171$/m, 'the container process is gone too');
  });
});

/** Read from the store directly: nothing in Docker's CLI shows a monitor's pid. */
function monitorPidOf(root: string, id: string): number {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const db = new DatabaseSync(join(root, 'metadata.db'));
  try {
    return Number((db.prepare('SELECT monitor_pid FROM containers WHERE id = ?').get(id) as { monitor_pid: number }).monitor_pid);
  } finally {
    db.close();
  }
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
}
