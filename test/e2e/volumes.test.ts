// Volumes through the CLI (create, ls, inspect, rm, prune) beside real Docker, and the runtime's mounts: -v, --mount, --tmpfs, image VOLUMEs, copy-up, in-use conflicts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { naturalCompare } from '../../src/cli/format/natural-order.ts';
import { releaseMounts, resolveMounts } from '../../src/runtime/volumes/mounts.ts';
import { closeStore, openStore, type Store } from '../../src/store/store.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { startDockerd } from '../helpers/peers.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const NO_MOUNTS = { volumes: [], mounts: [], tmpfs: [], imageVolumes: [] };

async function wharfWithStore(t: TestContext): Promise<{ wharf: Wharf; store: Store }> {
  const wharf = makeWharf(t);
  const store = await openStore(wharf.root);
  t.after(() => closeStore(store));
  return { wharf, store };
}

const containerId = () => randomBytes(32).toString('hex');

describe('wharf volume', () => {
  it('create, ls, inspect and rm print what Docker prints', async (t) => {
    const wharf = makeWharf(t);
    assert.equal(ok(await wharf.run(['volume', 'create', 'data'])).stdout, 'data\n');
    assert.equal(ok(await wharf.run(['volume', 'create', 'data'])).stdout, 'data\n', 'an existing name is returned again');
    assert.equal(ok(await wharf.run(['volume', 'create', '--label', 'tier=db', '--name', 'labelled'])).stdout, 'labelled\n');
    const random = ok(await wharf.run(['volume', 'create'])).stdout.trim();
    assert.match(random, /^[0-9a-f]{64}$/);
    const sorted = [random, 'data', 'labelled'].sort((a, b) => naturalCompare(a, b));
    assert.equal(ok(await wharf.run(['volume', 'ls'])).stdout, `DRIVER    VOLUME NAME\n${sorted.map((name) => `local     ${name}\n`).join('')}`);
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q', '--filter', 'label=tier=db'])).stdout, 'labelled\n');
    const [inspected] = JSON.parse(ok(await wharf.run(['volume', 'inspect', 'labelled'])).stdout);
    assert.deepEqual(Object.keys(inspected), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.deepEqual([inspected.Labels, inspected.Options, inspected.Mountpoint], [{ tier: 'db' }, null, join(wharf.root, 'volumes/labelled/_data')]);
    assert.ok(statSync(inspected.Mountpoint).isDirectory());
    assert.equal(ok(await wharf.run(['volume', 'rm', 'data', random])).stdout, `data\n${random}\n`);
    assert.equal(existsSync(join(wharf.root, 'volumes/data')), false);
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, 'labelled\n');
  });

  it("refuses bad names and missing volumes with Docker's errors, store unchanged", async (t) => {
    const wharf = makeWharf(t);
    const bad = await wharf.run(['volume', 'create', 'a b']);
    assert.deepEqual([bad.code, bad.stderr], [1, 'Error response from daemon: create a b: "a b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path\n']);
    const missing = await wharf.run(['volume', 'rm', 'nope']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: get nope: no such volume\n']);
    assert.equal((await wharf.run(['volume', 'rm', '-f', 'nope'])).code, 0);
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, '');
    const conflicting = await wharf.run(['volume', 'create', '--name', 'a1', 'b1']);
    assert.equal(conflicting.code, 125);
  });

  it('gives the same visible results as real Docker', async (t) => {
    const docker = await startDockerd(t);
    if (!docker) return;
    const wharf = makeWharf(t);
    const steps = [
      ['volume', 'create', 'v1'],
      ['volume', 'create', '--label', 'a=b', '--label', 'c', 'v2'],
      ['volume', 'create', 'x'],
      ['volume', 'ls'],
      ['volume', 'ls', '--format', '{{.Name}}|{{.Driver}}|{{.Scope}}|{{.Labels}}'],
      ['volume', 'ls', '-f', 'name=2', '-q'],
      ['volume', 'ls', '-f', 'bogus=1'],
      ['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{json .Labels}} {{json .Options}} {{.Scope}}', 'v1', 'v2'],
      ['volume', 'inspect', 'nope'],
      ['volume', 'rm', 'v1', 'nope'],
      ['volume', 'ls', '-q'],
    ];
    // the docker CLI joins {{.Labels}} from a Go map, in an order that changes from run to run
    const labelsSorted = (out: string) => out.replace(/\|([^|\n]*)$/gm, (_, labels: string) => `|${labels.split(',').sort().join(',')}`);
    for (const step of steps) {
      const ours = await wharf.run(step);
      const theirs = await docker.docker(step);
      assert.deepEqual({ out: labelsSorted(ours.stdout), err: ours.stderr, code: ours.code }, { out: labelsSorted(theirs.stdout), err: theirs.stderr, code: theirs.code }, step.join(' '));
    }
  });
});

describe('mounts', () => {
  it('-v creates a missing host path; --mount type=bind refuses it, recording nothing', async (t) => {
    const { store } = await wharfWithStore(t);
    const host = join(tempDir(t), 'made/by/v');
    const mounts = await resolveMounts(store, containerId(), { ...NO_MOUNTS, volumes: [`${host}:/www:ro`] });
    assert.deepEqual(mounts, [{ destination: '/www', type: 'bind', source: host, options: ['rbind', 'rprivate', 'ro'] }]);
    assert.ok(statSync(host).isDirectory());
    const id = containerId();
    const missing = join(tempDir(t), 'absent');
    await assert.rejects(resolveMounts(store, id, { ...NO_MOUNTS, volumes: ['named:/data'], mounts: [`type=bind,source=${missing},target=/x`] }), {
      message: `invalid mount config for type "bind": bind source path does not exist: ${missing}`,
    });
    assert.equal(existsSync(missing), false);
    assert.equal(store.db.get('SELECT COUNT(*) AS n FROM volume_users WHERE container_id = ?', id)?.n, 0);
  });

  it("fills a new named volume from the image's content, keeps it across containers, and rm refuses it while used", async (t) => {
    const { wharf, store } = await wharfWithStore(t);
    const rootfs = tempDir(t);
    mkdirSync(join(rootfs, 'var/lib/app'), { recursive: true });
    writeFileSync(join(rootfs, 'var/lib/app/seed.txt'), 'from the image\n');
    const first = containerId();
    const [mount] = await resolveMounts(store, first, { ...NO_MOUNTS, volumes: ['appdata:/var/lib/app'], rootfs });
    assert.equal(mount.source, join(wharf.root, 'volumes/appdata/_data'));
    assert.equal(readFileSync(join(mount.source, 'seed.txt'), 'utf8'), 'from the image\n');
    writeFileSync(join(mount.source, 'written.txt'), 'by the first container\n');

    const inUse = await wharf.run(['volume', 'rm', 'appdata']);
    assert.deepEqual([inUse.code, inUse.stderr], [1, `Error response from daemon: remove appdata: volume is in use - [${first}]\n`]);
    await releaseMounts(store, first, { removeAnonymous: true });

    const second = containerId();
    await resolveMounts(store, second, { ...NO_MOUNTS, mounts: ['type=volume,source=appdata,target=/var/lib/app'], rootfs });
    assert.deepEqual(readdirSync(mount.source).sort(), ['seed.txt', 'written.txt'], 'not refilled, not emptied');
    await releaseMounts(store, second, { removeAnonymous: true });
    assert.equal(ok(await wharf.run(['volume', 'rm', 'appdata'])).stdout, 'appdata\n');
  });

  it("makes anonymous volumes for the image's VOLUMEs (stable per container), --tmpfs mounts, and removes them with the container", async (t) => {
    const { wharf, store } = await wharfWithStore(t);
    const id = containerId();
    const options = { ...NO_MOUNTS, imageVolumes: ['/data', '/cache'], volumes: ['/tmp/ignored-by-image:/cache'], tmpfs: ['/run:size=1m,exec'] };
    const mounts = await resolveMounts(store, id, options);
    const byDestination = Object.fromEntries(mounts.map((mount) => [mount.destination, mount]));
    assert.deepEqual(byDestination['/run'], { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1m', 'exec'] });
    assert.equal(byDestination['/cache'].source, '/tmp/ignored-by-image');
    const anonymous = byDestination['/data'].source.split('/').at(-2)!;
    assert.match(anonymous, /^[0-9a-f]{64}$/);
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, `${anonymous}\n`);
    const again = await resolveMounts(store, id, options);
    assert.equal(again.find((mount) => mount.destination === '/data')?.source, byDestination['/data'].source, 'a restart finds the same volume');
    assert.equal(ok(await wharf.run(['volume', 'prune', '-f'])).stdout, 'Total reclaimed space: 0B\n', 'in use: not pruned');
    await releaseMounts(store, id, { removeAnonymous: true });
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, '');
  });

  it('volume prune removes unused anonymous volumes, and with -a named ones too', async (t) => {
    const { wharf, store } = await wharfWithStore(t);
    const id = containerId();
    await resolveMounts(store, id, { ...NO_MOUNTS, volumes: ['/anon'] });
    await releaseMounts(store, id, { removeAnonymous: false });
    ok(await wharf.run(['volume', 'create', 'named']));
    const anonymous = ok(await wharf.run(['volume', 'ls', '-q', '-f', 'dangling=true'])).stdout.split('\n').find((name) => name.length === 64)!;
    writeFileSync(join(wharf.root, 'volumes', anonymous, '_data', 'f'), 'x'.repeat(2000));
    const declined = await wharf.run(['volume', 'prune'], { input: 'n\n' });
    assert.equal(declined.stdout, 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ');
    assert.equal(ok(await wharf.run(['volume', 'prune', '-f'])).stdout, `Deleted Volumes:\n${anonymous}\n\nTotal reclaimed space: 2kB\n`);
    assert.equal(ok(await wharf.run(['volume', 'prune', '-a', '-f'])).stdout, 'Deleted Volumes:\nnamed\n\nTotal reclaimed space: 0B\n');
  });
});
