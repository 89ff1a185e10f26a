// Hostile, corrupt and oversized input to `wharf load`: one error line, exit 1, and the store exactly as before.
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { createGzip } from 'node:zlib';
import { type ByteSource, fromBuffer } from '../helpers/byte-source.ts';
import { failsWithOneLine, load, ok, storeState, writeArchive } from '../helpers/cli-fixtures.ts';
import { type HostileKind, writeHostileArchive } from '../helpers/hostile-archives.ts';
import { classicItems, ociArchiveItems } from '../helpers/image-archives.ts';
import { assembleImage, buildLayer, busyboxFixture } from '../helpers/image-builder.ts';
import { packTar, type TarItem, writeTarFile } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

/** A wharf that already holds busybox:latest, a directory hostile entries aim at, and the store as it is. */
async function prepared(t: TestContext) {
  const wharf = makeWharf(t);
  const dir = tempDir(t);
  const outside = join(dir, 'outside');
  const image = await busyboxFixture();
  await load(wharf, await writeArchive(join(dir, 'good.tar'), 'oci', [{ image, repoTags: ['busybox:latest'] }]));
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'do not touch\n');
  return { wharf, dir, outside, before: await storeState(wharf) };
}

async function assertUnchanged(wharf: Wharf, before: Awaited<ReturnType<typeof storeState>>, outside: string): Promise<void> {
  assert.deepEqual(await storeState(wharf), before, 'the store is exactly as before');
  assert.match(before.check, /^0 store is consistent\n$/);
  assert.deepEqual(readdirSync(outside), ['secret'], 'nothing was written outside');
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'do not touch\n');
}

const KINDS: Array<[HostileKind, RegExp | undefined]> = [
  ['path-traversal', undefined],
  ['symlink-escape', undefined],
  ['hardlink-escape', undefined],
  ['digest-mismatch', /digest|diff ?id/i],
  ['missing-layer', /missing|not found|no such/i],
  ['truncated', /truncated|unexpected EOF/i],
  ['gzip-bomb', /WHARF_MAX_LAYER_RATIO|ratio|limit/i],
];

describe('wharf load refuses hostile archives', { concurrency: 4 }, () => {
  for (const format of ['classic', 'oci'] as const) {
    for (const [kind, pattern] of KINDS) {
      it(`${kind} (${format}): one line, exit 1, store and host untouched`, async (t) => {
        const { wharf, dir, outside, before } = await prepared(t);
        const archive = join(dir, `${kind}.tar`);
        await writeHostileArchive(archive, kind, { format, outside, bombBytes: 256 << 20 });
        const line = failsWithOneLine(await wharf.run(['load', '-i', archive]), pattern);
        assert.doesNotMatch(line, /^\s+at |node:internal|Error: Error/);
        await assertUnchanged(wharf, before, outside);
      });
    }
  }
});

describe('wharf load limits are configurable', () => {
  it('loads the gzip bomb once WHARF_MAX_LAYER_RATIO allows its ratio', async (t) => {
    const { wharf, dir } = await prepared(t);
    const archive = join(dir, 'bomb.tar');
    const image = await writeHostileArchive(archive, 'gzip-bomb', { format: 'oci', bombBytes: 128 << 20, repoTag: 'bomb:1' });
    const result = ok(await wharf.run(['load', '-i', archive], { env: { WHARF_MAX_LAYER_RATIO: '5000' } }));
    assert.equal(result.stdout, 'Loaded image: bomb:1\n');
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', 'bomb:1'])).stdout.trim(), image.id);
  });
});

describe('wharf load refuses malformed input', { concurrency: 4 }, () => {
  const cases: Array<[string, (dir: string) => Promise<string>, RegExp?]> = [
    ['bytes that are no archive at all', async (dir) => {
      const file = join(dir, 'junk.bin');
      writeFileSync(file, Buffer.from('definitely not a tar archive\n'.repeat(200)));
      return file;
    }],
    ['an empty file', async (dir) => {
      const file = join(dir, 'empty.tar');
      writeFileSync(file, '');
      return file;
    }],
    ['a tar with neither manifest.json nor index.json', async (dir) => {
      const file = join(dir, 'plain.tar');
      await writeTarFile(file, [{ name: 'hello.txt', type: 'file', body: fromBuffer(Buffer.from('hello\n')) }]);
      return file;
    }, /manifest\.json|index\.json/],
    ['a manifest.json that is not JSON', async (dir) => {
      const file = join(dir, 'badjson.tar');
      await writeTarFile(file, [{ name: 'manifest.json', type: 'file', body: fromBuffer(Buffer.from('[{"Config": ')) }]);
      return file;
    }, /manifest\.json/],
    ['a manifest.json naming a config that is not there', async (dir) => {
      const file = join(dir, 'noconfig.tar');
      const manifest = [{ Config: `${'a'.repeat(64)}.json`, RepoTags: ['x:1'], Layers: [] }];
      await writeTarFile(file, [{ name: 'manifest.json', type: 'file', body: fromBuffer(Buffer.from(JSON.stringify(manifest))) }]);
      return file;
    }],
    ['a config whose diff IDs do not match the layers', async (dir) => {
      const image = await busyboxFixture();
      const items = classicItems([{ image, repoTags: ['liar:1'] }]);
      const wrongConfig = Buffer.from(image.config.toString().replace(image.diffIds[1].slice(7), 'f'.repeat(64)));
      const file = join(dir, 'liar.tar');
      await writeTarFile(file, items.map((item) => (item.name === `${image.id.slice(7)}.json` ? { ...item, body: fromBuffer(wrongConfig) } : item)));
      return file;
    }],
  ];
  for (const [what, write, pattern] of cases) {
    it(`${what}: one line, exit 1, store untouched`, async (t) => {
      const { wharf, dir, outside, before } = await prepared(t);
      failsWithOneLine(await wharf.run(['load', '-i', await write(dir)]), pattern);
      await assertUnchanged(wharf, before, outside);
    });
  }

  it('empty stdin: one line, exit 1', async (t) => {
    const { wharf, outside, before } = await prepared(t);
    failsWithOneLine(await wharf.run(['load'], { input: '' }));
    await assertUnchanged(wharf, before, outside);
  });

  it("a missing file: Go's wording", async (t) => {
    const { wharf, dir, outside, before } = await prepared(t);
    const missing = join(dir, 'missing.tar');
    failsWithOneLine(await wharf.run(['load', '-i', missing]), new RegExp(`^open ${missing}: no such file or directory$`));
    await assertUnchanged(wharf, before, outside);
  });
});

describe('wharf load refuses oversized metadata and archive bombs', () => {
  it('a manifest.json of 64 MiB', async (t) => {
    const { wharf, dir, outside, before } = await prepared(t);
    const file = join(dir, 'huge-manifest.tar');
    await writeTarFile(file, [{ name: 'manifest.json', type: 'file', body: spaces(64 << 20, '[]') }]);
    failsWithOneLine(await wharf.run(['load', '-i', file]), /manifest\.json/);
    await assertUnchanged(wharf, before, outside);
  });

  it('an image config of 64 MiB in a Docker 25+ archive', async (t) => {
    const { wharf, dir, outside, before } = await prepared(t);
    const layer = await buildLayer([{ path: 'a', type: 'file', content: 'a' }], 'none');
    const image = assembleImage([layer], { extraConfig: { padding: 'x'.repeat(64 << 20) } });
    const file = join(dir, 'huge-config.tar');
    await writeTarFile(file, ociArchiveItems([{ image, repoTags: ['huge:1'] }]));
    failsWithOneLine(await wharf.run(['load', '-i', file]), /config|limit|large|bytes/i);
    await assertUnchanged(wharf, before, outside);
  });

  // 256 MiB is past the ratio's grace size; the same archive of gigabytes would only take longer to refuse
  it('a gzip-compressed archive that expands 1000:1', async (t) => {
    const { wharf, dir, outside, before } = await prepared(t);
    const file = join(dir, 'archive-bomb.tar.gz');
    const items: TarItem[] = [
      ...classicItems([{ image: await busyboxFixture(), repoTags: ['bomb:1'] }]),
      { name: 'zzz-padding', type: 'file', body: zeros(256 << 20) },
    ];
    await pipeline(packTar(items), createGzip({ level: 9 }), createWriteStream(file));
    failsWithOneLine(await wharf.run(['load', '-i', file]), /WHARF_|limit|ratio/i);
    await assertUnchanged(wharf, before, outside);
  });
});

function spaces(size: number, json: string): ByteSource {
  const chunk = Buffer.alloc(1 << 20, ' ');
  function* chunks() {
    yield Buffer.from(json);
    for (let left = size - json.length; left > 0; left -= chunk.length) yield chunk.subarray(0, Math.min(left, chunk.length));
  }
  return { size, open: () => Readable.from(chunks()) };
}

function zeros(size: number): ByteSource {
  const chunk = Buffer.alloc(1 << 20);
  function* chunks() {
    for (let left = size; left > 0; left -= chunk.length) yield chunk.subarray(0, Math.min(left, chunk.length));
  }
  return { size, open: () => Readable.from(chunks()) };
}
