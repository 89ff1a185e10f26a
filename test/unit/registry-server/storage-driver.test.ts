// The storage driver contract as one suite, run against every driver (the filesystem driver today).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Readable, PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { FilesystemDriver } from '../../../src/registry/server/filesystem-driver.ts';
import { PathNotFoundError, type StorageDriver } from '../../../src/registry/server/storage-driver.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

interface DriverFactory {
  name: string;
  make(t: Parameters<typeof tempDir>[0]): StorageDriver;
}

const DRIVERS: DriverFactory[] = [{ name: 'filesystem', make: (t) => new FilesystemDriver(tempDir(t)) }];

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

for (const factory of DRIVERS) {
  describe(`storage driver: ${factory.name}`, () => {
    it('putContent replaces whole files; getContent and stat read them', async (t) => {
      const driver = factory.make(t);
      await driver.putContent('a/b/link', 'one');
      await driver.putContent('a/b/link', 'second');
      assert.equal((await driver.getContent('a/b/link')).toString(), 'second');
      assert.equal((await driver.stat('a/b/link')).size, 6);
      assert.equal((await driver.stat('a/b')).isDirectory, true);
    });

    it('missing paths: PathNotFoundError to read, [] to list, no error to delete', async (t) => {
      const driver = factory.make(t);
      await assert.rejects(driver.getContent('nope'), PathNotFoundError);
      await assert.rejects(driver.stat('nope/deeper'), PathNotFoundError);
      await assert.rejects(driver.touch('nope'), PathNotFoundError);
      assert.deepEqual(await driver.list('nope'), []);
      await driver.delete('nope');
    });

    it('appendStream appends; a failed stream leaves the file as it was', async (t) => {
      const driver = factory.make(t);
      assert.equal(await driver.appendStream('up/data', Readable.from([Buffer.from('abc')])), 3);
      assert.equal(await driver.appendStream('up/data', Readable.from([Buffer.from('def')])), 3);
      const failing = new PassThrough();
      const appended = driver.appendStream('up/data', failing);
      failing.write(Buffer.from('partial'));
      setTimeout(() => failing.destroy(new Error('client went away')), 20);
      await assert.rejects(appended, /client went away/);
      assert.equal((await driver.getContent('up/data')).toString(), 'abcdef');
    });

    it('move makes staged content visible at its final path; list sorts; delete removes trees', async (t) => {
      const driver = factory.make(t);
      await driver.appendStream('stage/data', Readable.from([Buffer.from('blob')]));
      await driver.move('stage/data', 'blobs/x/data');
      await assert.rejects(driver.getContent('stage/data'), PathNotFoundError);
      assert.equal((await driver.getContent('blobs/x/data')).toString(), 'blob');
      await driver.putContent('dir/b', '');
      await driver.putContent('dir/a', '');
      assert.deepEqual(await driver.list('dir'), ['a', 'b']);
      await driver.delete('dir');
      assert.deepEqual(await driver.list('dir'), []);
    });

    it('reader and send stream whole files and inclusive byte ranges', async (t) => {
      const driver = factory.make(t);
      // past three of send's 1 MiB chunks, so its buffers are read into again once their writes are done
      const bytes = Buffer.from(Array.from({ length: 3_500_000 }, (_, i) => i % 251));
      await driver.putContent('big', bytes);
      assert.ok((await collect(await driver.reader('big'))).equals(bytes));
      assert.deepEqual(await collect(await driver.reader('big', { start: 10, end: 19 })), bytes.subarray(10, 20));
      for (const range of [undefined, { start: 5, end: 2_600_004 }, { start: 1_048_570, end: 1_048_580 }]) {
        const received: Buffer[] = [];
        // as a socket does, done with each chunk once it calls back
        const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (received.push(Buffer.from(chunk)), done()) });
        await driver.send('big', sink, range);
        const expected = range ? bytes.subarray(range.start, range.end + 1) : bytes;
        assert.ok(Buffer.concat(received).equals(expected), `send ${JSON.stringify(range)}`);
      }
    });

    it('sends to forty slow clients at once, correctly, those past the budget of shared buffers with small ones of their own', async (t) => {
      const driver = factory.make(t);
      const bytes = Buffer.from(Array.from({ length: 3_500_000 }, (_, i) => (i * 7) % 253));
      await driver.putContent('big', bytes);
      const sends = Array.from({ length: 40 }, async (_, i) => {
        const received: Buffer[] = [];
        // a client that takes a few milliseconds over each chunk holds its buffers while later transfers start
        const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (received.push(Buffer.from(chunk)), setTimeout(done, 2 + (i % 3))) });
        await driver.send('big', sink, { start: i, end: bytes.length - 1 });
        assert.ok(Buffer.concat(received).equals(bytes.subarray(i)), `client ${i}`);
      });
      await Promise.all(sends);
    });

    it('touch refreshes the modification time', async (t) => {
      const driver = factory.make(t);
      await driver.putContent('f', 'x');
      const before = (await driver.stat('f')).modifiedMs;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await driver.touch('f');
      assert.ok((await driver.stat('f')).modifiedMs > before);
    });
  });
}

describe('filesystem driver', () => {
  it('refuses paths that leave its root and leaves no temp files behind', async (t) => {
    const root = tempDir(t);
    const driver = new FilesystemDriver(root);
    await assert.rejects(driver.putContent('../escape', 'x'), /escapes the root/);
    await assert.rejects(driver.getContent('a/../../etc/passwd'), /escapes the root/);
    await driver.putContent('ok', 'x');
    assert.deepEqual(readdirSync(`${root}/_tmp`), []);
  });
});
