// diff, commit and export of containers through the CLI, beside real Docker: the changed paths, the committed image's layer, config and history, and the exported filesystem.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ok, readTarFiles } from '../helpers/cli-fixtures.ts';
import { busyboxPair, busyboxWharf } from '../helpers/busybox-wharf.ts';
import { tempDir } from '../helpers/wharf-cli.ts';

const EDIT = ['sh', '-c', 'echo new > /new; rm /etc/motd; mkdir -p /app && rm -rf /app/* && echo hi > /app/only'];

describe('diff, commit and export', () => {
  it('lists what a container added, changed and deleted, and commits it as a layer that new containers see', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    ok(await wharf.run(['run', '--name', 'edit1', 'busybox', ...EDIT]));
    assert.equal(ok(await wharf.run(['diff', 'edit1'])).stdout, 'C /app\nD /app/hello.sh\nA /app/only\nC /etc\nD /etc/motd\nA /new\n');
    const id = ok(await wharf.run(['commit', '-a', 'me', '-m', 'edit', '-c', 'CMD ["cat","/new"]', '-c', 'ENV MODE=edited', 'edit1', 'edited:1'])).stdout.trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(await wharf.run(['run', '--rm', 'edited:1'])).stdout, 'new\n');
    const view = ok(await wharf.run(['run', '--rm', 'edited:1', 'sh', '-c', 'ls /app; test -e /etc/motd && echo motd || echo no motd; echo $MODE'])).stdout;
    assert.equal(view, 'only\nno motd\nedited\n');
    const inspected = JSON.parse(ok(await wharf.run(['image', 'inspect', 'edited:1'])).stdout)[0];
    assert.deepEqual([inspected.Author, inspected.Comment, inspected.Config.Cmd, inspected.Parent], ['me', 'edit', ['cat', '/new'], JSON.parse(ok(await wharf.run(['image', 'inspect', 'busybox'])).stdout)[0].Id]);
    assert.equal(inspected.RootFS.Layers.length, 3);
    const history = ok(await wharf.run(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'edited:1'])).stdout.split('\n')[0];
    assert.equal(history, `${EDIT.join(' ')}|edit`);
  });

  it('commits a container with no changes as history only, and a running one paused', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    ok(await wharf.run(['create', '--name', 'idle', 'busybox', 'true']));
    assert.equal(ok(await wharf.run(['diff', 'idle'])).stdout, '');
    ok(await wharf.run(['commit', 'idle', 'same:1']));
    const [base, same] = await Promise.all(['busybox', 'same:1'].map(async (name) => JSON.parse(ok(await wharf.run(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', name])).stdout)));
    assert.deepEqual(same, base, 'an empty diff adds no layer');
    ok(await wharf.run(['run', '-d', '--name', 'busy', 'busybox', 'sh', '-c', 'echo x > /x; sleep 30']));
    ok(await wharf.run(['commit', 'busy', 'busy:1']));
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.State.Status}}', 'busy'])).stdout, 'running\n', 'resumed after the commit');
    assert.equal(ok(await wharf.run(['run', '--rm', 'busy:1', 'cat', '/x'])).stdout, 'x\n');
  });

  it('exports the whole filesystem of a stopped container, and names a missing one as Docker does', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    ok(await wharf.run(['run', '--name', 'edit1', 'busybox', ...EDIT]));
    const file = join(tempDir(t), 'c.tar');
    ok(await wharf.run(['export', '-o', file, 'edit1']));
    const files = await readTarFiles(file);
    assert.equal(files.get('new')?.toString(), 'new\n');
    assert.ok(!files.has('etc/motd'));
    assert.ok(files.has('bin/busybox'));
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(wharf.root), 'the export mount is gone');
    const missing = await wharf.run(['diff', 'nope']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: No such container: nope\n']);
  });

  it('gives the diff real Docker gives, and Docker loads and runs what wharf committed', async (t) => {
    const pair = await busyboxPair(t);
    if (!pair) return;
    const { wharf, docker } = pair;
    ok(await docker.docker(['run', '--network', 'none', '--name', 'edit1', 'busybox', ...EDIT]));
    ok(await wharf.run(['run', '--name', 'edit1', 'busybox', ...EDIT]));
    // Docker's naive diff walks Go maps, so its order varies from run to run: compare the sets
    const sorted = (text: string) => text.split('\n').filter(Boolean).sort();
    assert.deepEqual(sorted(ok(await wharf.run(['diff', 'edit1'])).stdout), sorted(ok(await docker.docker(['diff', 'edit1'])).stdout));
    ok(await wharf.run(['commit', '-c', 'CMD ["cat","/app/only"]', 'edit1', 'edited:1']));
    const saved = join(tempDir(t), 'edited.tar');
    ok(await wharf.run(['save', '-o', saved, 'edited:1']));
    ok(await docker.docker(['load', '-i', saved]));
    assert.equal(ok(await docker.docker(['run', '--rm', '--network', 'none', 'edited:1'])).stdout, 'hi\n');
    assert.equal((await docker.docker(['run', '--rm', '--network', 'none', 'edited:1', 'ls', '/etc/motd'])).code, 1, 'the whiteout holds in Docker too');
  });
});
