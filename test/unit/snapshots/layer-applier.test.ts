// Unpacking layer tars onto directories: every entry type, owners, modes, times, xattrs, both whiteout treatments, and no way out of the root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import tar from 'tar-stream';
import { applyLayer } from '../../../src/snapshots/layer-applier.ts';

type Entry = Partial<tar.Header> & { name: string; content?: string; pax?: Record<string, string> };

const root = process.getuid?.() === 0;
const MTIME = new Date('2020-01-02T03:04:05Z');

async function layer(entries: Entry[]): Promise<Readable> {
  const pack = tar.pack();
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => pack.entry({ ...header, mtime: MTIME }, content ?? '', (error) => (error ? reject(error) : resolve())));
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  return Readable.from([Buffer.concat(chunks)]);
}

function dir(t: TestContext): string {
  const path = mkdtempSync(join(tmpdir(), 'wharf-apply-'));
  t.after(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

describe('applyLayer', { skip: root ? false : 'owners, devices and trusted xattrs need root' }, () => {
  it('writes files, directories, symlinks and hardlinks with their owners, modes and times', async (t) => {
    const target = dir(t);
    await applyLayer(await layer([
      { name: 'etc/', type: 'directory', mode: 0o750, uid: 7, gid: 8 },
      { name: 'etc/motd', type: 'file', mode: 0o4755, uid: 1000, gid: 1001, content: 'hello\n' },
      { name: 'etc/link', type: 'symlink', linkname: 'motd' },
      { name: 'etc/hard', type: 'link', linkname: 'etc/motd' },
      { name: 'fifo', type: 'fifo', mode: 0o600 },
      { name: 'null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: 'xattr', type: 'file', content: 'x', pax: { 'SCHILY.xattr.user.note': 'kept' } },
    ]), target, { whiteouts: 'apply' });
    const motd = statSync(join(target, 'etc/motd'));
    assert.equal(readFileSync(join(target, 'etc/motd'), 'utf8'), 'hello\n');
    assert.deepEqual([motd.mode & 0o7777, motd.uid, motd.gid, motd.mtime.getTime()], [0o4755, 1000, 1001, MTIME.getTime()]);
    const etc = statSync(join(target, 'etc'));
    assert.deepEqual([etc.mode & 0o7777, etc.uid, etc.gid, etc.mtime.getTime()], [0o750, 7, 8, MTIME.getTime()], 'directory metadata set after its contents');
    assert.equal(readlinkSync(join(target, 'etc/link')), 'motd');
    assert.equal(statSync(join(target, 'etc/hard')).ino, motd.ino);
    assert.ok(lstatSync(join(target, 'fifo')).isFIFO());
    const device = lstatSync(join(target, 'null'));
    assert.ok(device.isCharacterDevice());
    assert.equal(device.rdev, (1 << 8) | 3);
    assert.equal(execFileSync('python3', ['-c', 'import os,sys; print(os.getxattr(sys.argv[1], "user.note").decode())', join(target, 'xattr')], { encoding: 'utf8' }), 'kept\n');
  });

  it('applies whiteouts and opaque directories to the layers below', async (t) => {
    const target = dir(t);
    await applyLayer(await layer([
      { name: 'a/old', type: 'file', content: 'old' },
      { name: 'a/keep', type: 'file', content: 'keep' },
      { name: 'b/x', type: 'file', content: 'x' },
    ]), target, { whiteouts: 'apply' });
    await applyLayer(await layer([
      { name: 'a/.wh.old', type: 'file' },
      { name: 'b/new', type: 'file', content: 'new' },
      { name: 'b/.wh..wh..opq', type: 'file' },
    ]), target, { whiteouts: 'apply' });
    assert.deepEqual(readdirSync(join(target, 'a')), ['keep']);
    assert.deepEqual(readdirSync(join(target, 'b')), ['new'], 'the opaque marker hides the lower x, not this layer\'s new');
  });

  it('keeps whiteouts as overlayfs markers in a snapshot of its own', async (t) => {
    const target = dir(t);
    await applyLayer(await layer([
      { name: 'a/.wh.old', type: 'file' },
      { name: 'b/.wh..wh..opq', type: 'file' },
    ]), target, { whiteouts: 'overlay' });
    const marker = lstatSync(join(target, 'a/old'));
    assert.ok(marker.isCharacterDevice());
    assert.equal(marker.rdev, 0);
    assert.equal(execFileSync('python3', ['-c', 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())', join(target, 'b')], { encoding: 'utf8' }), 'y\n');
  });

  it('replaces a file by a directory and a directory by a file', async (t) => {
    const target = dir(t);
    await applyLayer(await layer([{ name: 'p', type: 'file', content: 'file' }, { name: 'q/inner', type: 'file', content: 'inner' }]), target, { whiteouts: 'apply' });
    await applyLayer(await layer([{ name: 'p/', type: 'directory' }, { name: 'q', type: 'file', content: 'now a file' }]), target, { whiteouts: 'apply' });
    assert.ok(statSync(join(target, 'p')).isDirectory());
    assert.equal(readFileSync(join(target, 'q'), 'utf8'), 'now a file');
  });

  it("never writes outside the root through a lower layer's symlink, absolute or climbing", async (t) => {
    const target = dir(t);
    const outside = dir(t);
    const marker = `wharf-escape-${process.pid}-${Date.now()}`;
    await applyLayer(await layer([
      { name: 'abs', type: 'symlink', linkname: outside },
      { name: 'up', type: 'symlink', linkname: '../../../../../../..' + outside },
    ]), target, { whiteouts: 'apply' });
    await applyLayer(await layer([
      { name: `abs/${marker}`, type: 'file', content: 'in' },
      { name: `up/${marker}-2`, type: 'file', content: 'in' },
      { name: `abs/.wh.${marker}-3`, type: 'file' },
    ]), target, { whiteouts: 'apply' });
    writeFileSync(join(outside, `${marker}-3`), 'must stay');
    assert.deepEqual(readdirSync(outside), [`${marker}-3`], 'nothing written outside');
    assert.equal(readFileSync(join(target, outside, marker), 'utf8'), 'in', 'the absolute link resolved inside the root');
    assert.ok(existsSync(join(target, outside, `${marker}-2`)), 'the climbing link stopped at the root');
  });

  it('puts entries under a directory of the root, through its symlinks, with one owner and .wh. names as plain files', async (t) => {
    const target = dir(t);
    await applyLayer(await layer([{ name: 'dest/', type: 'directory' }, { name: 'dest/escape', type: 'symlink', linkname: '/' }]), target, { whiteouts: 'apply' });
    await applyLayer(await layer([
      { name: 'kept', type: 'file', content: 'kept' },
      { name: 'a', type: 'file', uid: 1000, gid: 1001, content: 'a' },
      { name: 'a-link', type: 'link', linkname: 'a' },
      { name: '.wh.kept', type: 'file', content: 'plain' },
      { name: 'escape/dest/through', type: 'file', content: 'in' },
    ]), target, { whiteouts: 'none', under: 'dest', owner: { uid: 7, gid: 8 } });
    assert.deepEqual(readdirSync(join(target, 'dest')).sort(), ['.wh.kept', 'a', 'a-link', 'escape', 'kept', 'through'], 'the symlink in the directory resolved against the root');
    assert.equal(readFileSync(join(target, 'dest/.wh.kept'), 'utf8'), 'plain');
    const a = statSync(join(target, 'dest/a'));
    assert.deepEqual([a.uid, a.gid], [7, 8], 'the owner given, not the entry\'s');
    assert.equal(statSync(join(target, 'dest/a-link')).ino, a.ino, 'a hardlink target is a path under the directory too');
    assert.deepEqual(readdirSync(target), ['dest']);
  });

  it('refuses a truncated layer with an error', async (t) => {
    const target = dir(t);
    const whole = Buffer.concat(await (await layer([{ name: 'big', type: 'file', content: 'x'.repeat(10_000) }])).toArray());
    await assert.rejects(applyLayer(Readable.from([whole.subarray(0, 2048)]), target, { whiteouts: 'apply' }));
  });
});
