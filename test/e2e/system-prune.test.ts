// `wharf system prune`: Docker's prompt and report; stopped containers, dangling images and (with --volumes) anonymous volumes go, what runs stays.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxPair, busyboxWharf } from '../helpers/busybox-wharf.ts';
import type { RunResult } from '../helpers/wharf-cli.ts';

describe('system prune', () => {
  it('removes stopped containers, dangling images and anonymous volumes, and keeps a running container and its image', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const created = ok(await wharf.run(['create', 'busybox', 'true'])).stdout.trim();
    ok(await wharf.run(['run', '--name', 'scratch', '-v', '/scratch', 'busybox', 'true']));
    const running = ok(await wharf.run(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
    ok(await wharf.run(['run', '--name', 'edit1', 'busybox', 'sh', '-c', 'echo x > /x']));
    ok(await wharf.run(['commit', 'edit1', 'made:1']));
    ok(await wharf.run(['commit', 'edit1', 'made:1']));
    const declined = await wharf.run(['system', 'prune'], { input: 'n\n' });
    assert.equal(declined.stdout, 'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N] ');
    const before = ok(await wharf.run(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    assert.equal(before.length, 4, 'nothing removed when declined');

    const pruned = ok(await wharf.run(['system', 'prune', '-f', '--volumes'])).stdout;
    const sections = /^Deleted Containers:\n([0-9a-f\n]+)\n\nDeleted Volumes:\n([^\n]+)\n\nDeleted Images:\ndeleted: (sha256:[0-9a-f]{64})\n\nTotal reclaimed space: \S+\n$/.exec(pruned);
    assert.ok(sections, pruned);
    assert.deepEqual(sections[1].split('\n').sort(), before.filter((id) => id !== running).sort());
    assert.ok(sections[1].includes(created));
    assert.equal(ok(await wharf.run(['ps', '-aq', '--no-trunc'])).stdout, `${running}\n`);
    assert.deepEqual(ok(await wharf.run(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n').filter(Boolean).sort(), ['busybox:latest', 'made:1']);
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, '');
  });

  it("prompts as real Docker's system prune does, with -a and --volumes", async (t) => {
    const pair = await busyboxPair(t);
    if (!pair) return;
    const { wharf, docker } = pair;
    for (const flags of [[], ['-a', '--volumes'], ['--filter', 'until=24h']]) {
      const ours: RunResult = await wharf.run(['system', 'prune', ...flags], { input: 'n\n' });
      const theirs: RunResult = await docker.docker(['system', 'prune', ...flags], { input: 'n\n' });
      assert.deepEqual({ out: ours.stdout, code: ours.code }, { out: theirs.stdout, code: theirs.code }, flags.join(' '));
    }
  });
});
