// A full disk mid-write: one line naming the file and the errno as Go words it, exit 1, and the store as it was.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { blobFiles, failsWithOneLine, ingestFiles, ok, storeState, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxFixture } from '../helpers/image-builder.ts';
import { fromBuffer } from '../helpers/byte-source.ts';
import { runCommand } from '../helpers/run-command.ts';
import { tarBuffer } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

describe('wharf on a full disk', () => {
  it('a load that runs out of space fails with one line and leaves the store as it was', async (t) => {
    if (process.getuid?.() !== 0) return void t.skip('mounting a small tmpfs needs root');
    const dir = tempDir();
    const archive = await writeArchive(join(dir, 'busybox.tar'), 'classic', [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    // smaller than busybox's 2 MB layer, big enough for the metadata DB
    const mounted = await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=1500k', 'tmpfs', disk]);
    if (mounted.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return void t.skip(`cannot mount a tmpfs here: ${mounted.stderr.trim()}`);
    }
    t.after(async () => {
      await runCommand('umount', [disk]);
      rmSync(dir, { recursive: true, force: true });
    });
    const root = join(disk, 'root');
    const wharf = makeWharf(t);
    const run = (args: string[]) => wharf.run(args, { env: { WHARF_ROOT: root } });
    ok(await run(['images']));
    const before = await storeState({ ...wharf, root, run });
    failsWithOneLine(await run(['load', '-i', archive]), /^Error response from daemon: write \S+\/ingest\/\S+: no space left on device$/);
    assert.deepEqual(await storeState({ ...wharf, root, run }), before);
    assert.deepEqual(ingestFiles(root), []);
    assert.deepEqual(blobFiles(root), []);
    // and the store still takes what fits
    const tiny = await tarBuffer([{ name: 'hello', type: 'file', body: fromBuffer(Buffer.from('hi\n')) }]);
    ok(await wharf.run(['import', '-', 'tiny:1'], { input: tiny, env: { WHARF_ROOT: root } }));
    assert.match(ok(await run(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /^tiny:1\n$/);
  });
});
