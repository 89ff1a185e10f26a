// The header-only tar lister against archives GNU tar writes (gnu, pax, ustar formats): long names, links, truncation, garbage.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidContentError } from '../../../src/errors.ts';
import { indexTar, readEntry, resolveEntry } from '../../../src/transports/docker-archive/tar-index.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const LONG = `${'deep/'.repeat(30)}name-longer-than-a-hundred-bytes.json`;

function tree(t: Parameters<typeof tempDir>[0]): string {
  const root = join(tempDir(t), 'tree');
  mkdirSync(join(root, LONG, '..'), { recursive: true });
  writeFileSync(join(root, LONG), '{"long":true}');
  writeFileSync(join(root, 'manifest.json'), '[]');
  writeFileSync(join(root, 'empty'), '');
  mkdirSync(join(root, 'layer'));
  symlinkSync('../manifest.json', join(root, 'layer', 'link.json'));
  return root;
}

/** The contents of the named entries, found through the index (links followed). */
async function contents(file: string, names: string[]): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const index = await indexTar(handle);
    return await Promise.all(names.map(async (name) => (await readEntry(handle, resolveEntry(index, name)!)).toString()));
  } finally {
    await handle.close();
  }
}

describe('indexTar', () => {
  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`lists a ${format} archive`, async (t) => {
      const root = tree(t);
      const file = join(root, '..', `${format}.tar`);
      // ustar keeps names of up to 255 bytes only, so the long one is left out of that format.
      const long = format === 'ustar' ? [] : [LONG];
      execFileSync('tar', ['-C', root, `--format=${format}`, '-cf', file, ...(format === 'ustar' ? ['manifest.json', 'empty', 'layer'] : ['.'])]);
      const expected = [...(long.length ? ['{"long":true}'] : []), '[]', '[]', ''];
      assert.deepEqual(await contents(file, [...long, 'manifest.json', 'layer/link.json', 'empty']), expected);
    });
  }

  it('refuses a truncated archive and a corrupt header', async (t) => {
    const root = tree(t);
    const file = join(root, '..', 'a.tar');
    execFileSync('tar', ['-C', root, '-cf', file, '.']);
    const bytes = readFileSync(file);
    const truncated = join(root, '..', 'truncated.tar');
    writeFileSync(truncated, bytes.subarray(0, 1024 + 100));
    await assert.rejects(contents(truncated, []), (error: unknown) => error instanceof InvalidContentError && /truncated/.test(error.message));
    const corrupt = join(root, '..', 'corrupt.tar');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('x'.repeat(512)), bytes]));
    await assert.rejects(contents(corrupt, []), (error: unknown) => error instanceof InvalidContentError && /bad tar header at byte 0/.test(error.message));
  });
});
