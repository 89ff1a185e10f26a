// Container root filesystems: layer snapshots unpacked once per chain ID and shared, overlay mounts with whiteouts honoured, the vfs fallback, and snapshots swept with their images.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { chainIdsOf, ok, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxFixture, buildImage } from '../helpers/image-builder.ts';
import { needPeers } from '../helpers/peers.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const canRun = process.getuid?.() === 0 ? undefined : 'needs root (runc, overlay mounts)';

/** busybox, then a layer that adds /app/hello.sh and /etc/motd, then one that deletes /etc/motd and makes /app opaque with one new file. */
async function layeredWharf(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<{ wharf: Wharf; run: (args: string[]) => ReturnType<Wharf['run']>; chains: string[] }> {
  const wharf = makeWharf(t);
  const base = await busyboxFixture();
  const top = await buildImage({
    layers: [{ busybox: true }, [
      { path: 'app', type: 'dir' },
      { path: 'app/hello.sh', type: 'file', content: 'old\n' },
      { path: 'etc', type: 'dir' },
      { path: 'etc/motd', type: 'file', content: 'motd\n' },
    ], { entries: [
      { path: 'app', type: 'dir' },
      { path: 'app/.wh..wh..opq', type: 'file' },
      { path: 'app/new.txt', type: 'file', content: 'new\n' },
      { path: 'etc', type: 'dir' },
      { path: 'etc/.wh.motd', type: 'file' },
    ], order: 'as-given' }],
    cmd: ['sh'],
  });
  const archive = await writeArchive(join(tempDir(t), 'images.tar'), 'classic', [{ image: base, repoTags: ['busybox:latest'] }, { image: top, repoTags: ['layered:1'] }]);
  ok(await wharf.run(['load', '-i', archive]));
  const run = (args: string[]) => wharf.run(args, { env });
  return { wharf, run, chains: chainIdsOf(top.diffIds).map((chain) => chain.slice('sha256:'.length)) };
}

describe('container root filesystems', { skip: canRun }, () => {
  it('overlays the snapshots: whiteouts and opaque directories hide what lower layers put there', async (t) => {
    if (!needPeers(t, 'runc')) return;
    const { wharf, run, chains } = await layeredWharf(t);
    const listing = ok(await run(['run', '--rm', 'layered:1', 'sh', '-c', 'ls /app; ls /etc/motd 2>&1; echo changed > /bin/marker'])).stdout;
    assert.equal(listing, 'new.txt\nls: /etc/motd: No such file or directory\n');
    const snapshots = readdirSync(join(wharf.root, 'snapshots')).filter((name) => /^[0-9a-f]{64}$/.test(name)).sort();
    assert.deepEqual(snapshots, [...chains].sort(), 'one snapshot per chain ID');
    const clean = ok(await run(['run', '--rm', 'layered:1', 'sh', '-c', 'test -e /bin/marker && echo leaked || echo clean'])).stdout;
    assert.equal(clean, 'clean\n', "a container's writes stay in its own upper dir");
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(wharf.root), 'no mount outlives a --rm container');
  });

  it('shares the base layer snapshot with every image on it, and removes snapshots only when no image uses them', async (t) => {
    if (!needPeers(t, 'runc')) return;
    const { wharf, run, chains } = await layeredWharf(t);
    ok(await run(['run', '--rm', 'busybox', 'true']));
    ok(await run(['run', '--rm', 'layered:1', 'true']));
    const snapshotDir = join(wharf.root, 'snapshots');
    assert.ok(chains.every((chain) => existsSync(join(snapshotDir, chain))));
    ok(await run(['rmi', 'layered:1']));
    assert.ok(existsSync(join(snapshotDir, chains[0])), 'busybox still uses the base snapshot');
    assert.ok(!existsSync(join(snapshotDir, chains[2])), "the removed image's own snapshot went with it");
  });

  it('keeps the snapshots of a container whose image rmi -f removed', async (t) => {
    if (!needPeers(t, 'runc')) return;
    const { run, wharf, chains } = await layeredWharf(t);
    ok(await run(['create', '--name', 'keep', 'layered:1', 'cat', '/app/new.txt']));
    ok(await run(['rmi', '-f', 'layered:1']));
    ok(await run(['image', 'prune', '-a', '-f']));
    assert.ok(existsSync(join(wharf.root, 'snapshots', chains[2])));
    const started = await run(['start', '-a', 'keep']);
    assert.deepEqual([started.code, started.stdout], [0, 'new\n']);
  });

  it('gives the same view through the vfs driver (WHARF_STORAGE_DRIVER=vfs), which copies instead of mounting', async (t) => {
    if (!needPeers(t, 'runc')) return;
    const { wharf, run } = await layeredWharf(t, { WHARF_STORAGE_DRIVER: 'vfs' });
    const listing = ok(await run(['run', '--name', 'vfs1', 'layered:1', 'sh', '-c', 'ls /app; ls /etc/motd 2>&1; true'])).stdout;
    assert.equal(listing, 'new.txt\nls: /etc/motd: No such file or directory\n');
    assert.ok(!existsSync(join(wharf.root, 'snapshots')) || readdirSync(join(wharf.root, 'snapshots')).every((name) => !/^[0-9a-f]{64}$/.test(name)));
    const bad = await wharf.run(['run', '--rm', 'layered:1', 'true'], { env: { WHARF_STORAGE_DRIVER: 'zfs-please' } });
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /^wharf: Error response from daemon: error initializing graphdriver: driver not supported: zfs-please\n/);
  });
});
