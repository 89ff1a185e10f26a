// The content store's write: a source that fails early is reported by the write itself; a good one is verified and committed.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ContentStore } from '../../../src/store/content-store.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

describe('ContentStore.write', () => {
  // First in this file, so it is this process's first write, the one that loads the writer on its way.
  it('rejects with the error of a source that fails before its first byte, and leaves no temp file', async (t) => {
    const content = new ContentStore(tempDir(t));
    content.init();
    const source = new Readable({ read() {} });
    process.nextTick(() => source.destroy(new Error('the registry went away')));
    await assert.rejects(content.write(source), /the registry went away/);
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(content.ingestDir()), []);
  });

  it('writes, verifies and commits a blob', async (t) => {
    const content = new ContentStore(tempDir(t));
    content.init();
    const blob = await content.ingestBytes(Buffer.from('hello'), { expected: 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' });
    assert.equal((await content.readBytes(blob.digest)).toString(), 'hello');
    await assert.rejects(content.ingestBytes(Buffer.from('hello!'), { expected: blob.digest, what: 'config' }), /config: digest mismatch/);
  });
});
