// wharf cp through the CLI: Docker's path rules both ways, tar streams, owners, stopped containers, volumes, symlinks that must not lead out, and Docker's errors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { busyboxWharf } from '../helpers/busybox-wharf.ts';
import { failsWithOneLine, ok, runToFile, WHARF_BIN } from '../helpers/cli-fixtures.ts';
import { needPeers } from '../helpers/peers.ts';
import { tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const FILES = 'mkdir -p /d/sub && echo x > /d/f && echo y > /d/sub/g && ln -s /d /dl';

/** A wharf with a running container `web` holding /d (f, sub/g) and /dl → /d. */
async function webContainer(t: TestContext, extra: string[] = []): Promise<Wharf | undefined> {
  const wharf = await busyboxWharf(t);
  if (!wharf) return undefined;
  ok(await wharf.run(['run', '-d', '--name', 'web', ...extra, 'busybox', 'sleep', '300']));
  ok(await wharf.run(['exec', 'web', 'sh', '-c', FILES]));
  return wharf;
}

async function rootfsOf(wharf: Wharf, name: string): Promise<string> {
  return join(wharf.root, 'containers', ok(await wharf.run(['inspect', '-f', '{{.Id}}', name])).stdout.trim(), 'rootfs');
}

async function catIn(wharf: Wharf, container: string, path: string): Promise<string> {
  return ok(await wharf.run(['exec', container, 'cat', path]), `cat ${path}`).stdout;
}

function tarNames(file: string): string[] {
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean).map((name) => name.replace(/\/$/, '')).sort();
}

/** A host file owned by 1234:2345, and a directory holding one. */
function hostTree(t: TestContext): { file: string; dir: string } {
  const base = tempDir(t);
  const file = join(base, 'file');
  writeFileSync(file, 'hi\n');
  chownSync(file, 1234, 2345);
  const dir = join(base, 'src');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'b'), 'top\n');
  writeFileSync(join(dir, 'sub', 'a'), 'inner\n');
  return { file, dir };
}

describe('cp', () => {
  it('copies out of a running container: a file to a file and into a directory, a directory whole or its contents (/.), -L, and a tar on stdout', async (t) => {
    const wharf = await webContainer(t);
    if (!wharf) return;
    const out = tempDir(t);
    const copied = ok(await wharf.run(['cp', 'web:/d/f', join(out, 'f1')]));
    assert.equal(copied.stderr, '', 'no report without a terminal');
    assert.equal(readFileSync(join(out, 'f1'), 'utf8'), 'x\n');
    mkdirSync(join(out, 'into'));
    ok(await wharf.run(['cp', 'web:/d/f', join(out, 'into')]));
    assert.equal(readFileSync(join(out, 'into', 'f'), 'utf8'), 'x\n');
    ok(await wharf.run(['cp', 'web:/d', join(out, 'new')]));
    assert.equal(readFileSync(join(out, 'new', 'sub', 'g'), 'utf8'), 'y\n', 'a missing destination is created with the contents');
    ok(await wharf.run(['cp', 'web:/d', join(out, 'into')]));
    assert.equal(readFileSync(join(out, 'into', 'd', 'sub', 'g'), 'utf8'), 'y\n', 'an existing directory takes the directory in');
    mkdirSync(join(out, 'contents'));
    ok(await wharf.run(['cp', 'web:/d/.', join(out, 'contents')]));
    assert.equal(readFileSync(join(out, 'contents', 'sub', 'g'), 'utf8'), 'y\n', '/. copies the contents only');
    assert.equal(existsSync(join(out, 'contents', 'd')), false);
    ok(await wharf.run(['cp', 'web:/dl', join(out, 'link')]));
    assert.equal(readlinkSync(join(out, 'link')), '/d');
    ok(await wharf.run(['cp', '-L', 'web:/dl', join(out, 'followed')]));
    assert.equal(readFileSync(join(out, 'followed', 'f'), 'utf8'), 'x\n');
    assert.deepEqual([statSync(join(out, 'f1')).uid, statSync(join(out, 'new', 'sub')).gid], [process.getuid?.(), process.getgid?.()], 'owned by the caller');
    const tar = join(out, 'd.tar');
    ok(await runToFile(wharf, ['cp', 'web:/d', '-'], tar));
    assert.deepEqual(tarNames(tar), ['d', 'd/f', 'd/sub', 'd/sub/g']);
    ok(await runToFile(wharf, ['cp', 'web:/d/.', '-'], tar));
    assert.deepEqual(tarNames(tar), ['.', './f', './sub', './sub/g']);
  });

  it('copies into a running container as root unless -a, a directory and a tar from stdin, and out again with -a keeping owners', async (t) => {
    const wharf = await webContainer(t);
    if (!wharf) return;
    const { file, dir } = hostTree(t);
    ok(await wharf.run(['cp', file, 'web:/tmp/plain']));
    ok(await wharf.run(['cp', '-a', file, 'web:/tmp/kept']));
    assert.equal(ok(await wharf.run(['exec', 'web', 'stat', '-c', '%u:%g', '/tmp/plain', '/tmp/kept'])).stdout, '0:0\n1234:2345\n');
    assert.equal(await catIn(wharf, 'web', '/tmp/kept'), 'hi\n');
    ok(await wharf.run(['cp', dir, 'web:/tmp/tree']));
    assert.equal(await catIn(wharf, 'web', '/tmp/tree/sub/a'), 'inner\n');
    const input = execFileSync('tar', ['-C', dirname(dir), '-cf', '-', 'src']);
    ok(await wharf.run(['cp', '-', 'web:/d'], { input }));
    assert.equal(await catIn(wharf, 'web', '/d/src/b'), 'top\n');
    const line = failsWithOneLine(await wharf.run(['cp', '-', 'web:/nonexistent'], { input }));
    assert.equal(line, 'destination "web:/nonexistent" must be a directory');
    const out = tempDir(t);
    ok(await wharf.run(['cp', '-a', 'web:/tmp/kept', join(out, 'kept')]));
    ok(await wharf.run(['cp', 'web:/tmp/kept', join(out, 'plain')]));
    assert.deepEqual([statSync(join(out, 'kept')).uid, statSync(join(out, 'plain')).uid], [1234, process.getuid?.()]);
  });

  it('copies into and out of a stopped container, and leaves its root unmounted', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const { file } = hostTree(t);
    ok(await wharf.run(['create', '--name', 'idle', 'busybox', 'cat', '/in']));
    ok(await wharf.run(['cp', file, 'idle:/in']));
    assert.equal(ok(await wharf.run(['start', '-a', 'idle'])).stdout, 'hi\n');
    const out = join(tempDir(t), 'back');
    ok(await wharf.run(['cp', 'idle:/in', out]));
    assert.equal(readFileSync(out, 'utf8'), 'hi\n');
    const rootfs = await rootfsOf(wharf, 'idle');
    const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((line) => line.split(' ')[4]);
    assert.equal(mountPoints.includes(rootfs), false, 'the copy mounted the root only for itself');
  });

  it("never writes outside the container's root through its symlinks, absolute or climbing", async (t) => {
    const wharf = await webContainer(t);
    if (!wharf) return;
    ok(await wharf.run(['exec', 'web', 'sh', '-c', 'ln -s / /escape && ln -s ../../.. /up && ln -s ../../../../../../../../.. /tmp/deep']));
    const { file } = hostTree(t);
    const marker = `wharf-cp-escape-${process.pid}`;
    ok(await wharf.run(['cp', file, `web:/escape/tmp/${marker}-1`]));
    ok(await wharf.run(['cp', file, `web:/up/${marker}-2`]));
    const named = join(tempDir(t), `${marker}-4`);
    writeFileSync(named, 'deep\n');
    ok(await wharf.run(['cp', named, 'web:/tmp/deep']));
    const stream = join(tempDir(t), 'up');
    mkdirSync(join(stream, 'up'), { recursive: true });
    writeFileSync(join(stream, 'up', `${marker}-3`), 'streamed\n');
    ok(await wharf.run(['cp', '-', 'web:/'], { input: execFileSync('tar', ['-C', stream, '-cf', '-', `up/${marker}-3`]) }));
    assert.equal(await catIn(wharf, 'web', `/tmp/${marker}-1`), 'hi\n');
    assert.equal(await catIn(wharf, 'web', `/${marker}-2`), 'hi\n');
    assert.equal(await catIn(wharf, 'web', `/${marker}-4`), 'deep\n', 'a link to a directory takes the file in');
    assert.equal(await catIn(wharf, 'web', `/${marker}-3`), 'streamed\n');
    const rootfs = await rootfsOf(wharf, 'web');
    for (let dir = dirname(rootfs); ; dir = dirname(dir)) {
      for (const name of [1, 2, 3, 4].map((n) => `${marker}-${n}`).concat(join('tmp', `${marker}-1`))) {
        assert.equal(existsSync(join(dir, name)), false, `nothing at ${join(dir, name)}`);
      }
      if (dir === '/') break;
    }
  });

  it('reads and writes through a volume, and refuses a read-only one', async (t) => {
    const volume = tempDir(t);
    const readOnly = tempDir(t);
    const wharf = await webContainer(t, ['-v', `${volume}:/data`, '-v', `${readOnly}:/ro:ro`]);
    if (!wharf) return;
    const { file } = hostTree(t);
    ok(await wharf.run(['cp', file, 'web:/data/x']));
    assert.equal(readFileSync(join(volume, 'x'), 'utf8'), 'hi\n');
    assert.equal(await catIn(wharf, 'web', '/data/x'), 'hi\n');
    assert.equal(existsSync(join(await rootfsOf(wharf, 'web'), 'data', 'x')), false, 'not under the mount point in the root');
    writeFileSync(join(volume, 'host-made'), 'from the host\n');
    const out = join(tempDir(t), 'y');
    ok(await wharf.run(['cp', 'web:/data/host-made', out]));
    assert.equal(readFileSync(out, 'utf8'), 'from the host\n');
    const line = failsWithOneLine(await wharf.run(['cp', file, 'web:/ro/x']));
    assert.equal(line, 'Error response from daemon: mounted volume is marked read-only');
    assert.equal(existsSync(join(readOnly, 'x')), false);
  });

  it("fails as Docker does: missing paths, containers and directories, and the wrong directions", async (t) => {
    const wharf = await webContainer(t);
    if (!wharf) return;
    const { file } = hostTree(t);
    const out = tempDir(t);
    ok(await wharf.run(['create', '--read-only', '--name', 'sealed', 'busybox']));
    const cases: Array<[string[], string]> = [
      [['cp', 'web:/nope', out], 'Error response from daemon: Could not find the file /nope in container web'],
      // Docker names the path on its host here; the container's path says as much without showing the data root
      [['cp', 'web:/d/f/x', out], 'Error response from daemon: lstat /d/f/x: not a directory'],
      [['cp', file, 'sealed:/x'], 'Error response from daemon: container rootfs is marked read-only'],
      [['cp', 'nope:/d', out], 'Error response from daemon: No such container: nope'],
      [['cp', file, out], 'must specify at least one container source'],
      [['cp', 'web:/d', 'web:/e'], 'copying between containers is not supported'],
      [['cp', 'web:/d/f', join(out, 'missing') + '/'], 'no such directory'],
      [['cp', 'web:/d/f', join(out, 'missing', 'f')], `invalid output path: directory "${join(out, 'missing')}" does not exist`],
      [['cp', 'web:/d', file], 'cannot copy directory'],
      [['cp', file, 'web:/nodir/x'], 'Error response from daemon: Could not find the file /nodir in container web'],
      [['cp', file, 'web:/d/f/x'], 'Error response from daemon: extraction point is not a directory'],
      [['cp', join(out, 'absent'), 'web:/d'], `lstat ${join(out, 'absent')}: no such file or directory`],
    ];
    for (const [args, expected] of cases) assert.equal(failsWithOneLine(await wharf.run(args)), expected, args.join(' '));
    assert.equal(lstatSync(file).isFile(), true, 'the local file was left alone');
  });

  it("reports the tar's size on a terminal, in Docker's units", async (t) => {
    if (!needPeers(t, 'script')) return;
    const wharf = await webContainer(t);
    if (!wharf) return;
    const dest = join(tempDir(t), 'f');
    const command = `${WHARF_BIN} cp web:/d/f ${dest}`;
    const printed = execFileSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, WHARF_ROOT: wharf.root }, encoding: 'utf8' });
    // a 2-byte file is a 2048-byte tar: header, one block, end marker
    assert.equal(printed, `Successfully copied 2.05kB to ${dest}\r\n`);
  });
});
