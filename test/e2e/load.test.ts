// `wharf load`: every archive format and compression a user may hold, Docker's messages, and what lands in the store.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ARCHIVE_FORMATS,
  blobFiles,
  COMPRESSORS,
  compressFile,
  hex,
  ingestFiles,
  lines,
  load,
  ok,
  writeArchive,
} from '../helpers/cli-fixtures.ts';
import { buildImage, busyboxFixture } from '../helpers/image-builder.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

async function idAndLayers(wharf: Wharf, name: string): Promise<string> {
  return ok(await wharf.run(['inspect', '-f', '{{.Id}} {{json .RootFS.Layers}}', name])).stdout.trim();
}

describe('wharf load', () => {
  for (const format of ARCHIVE_FORMATS) {
    it(`loads a ${format} archive with -i, with Docker's message, image ID and layers`, async (t) => {
      const wharf = makeWharf(t);
      const image = await busyboxFixture();
      const archive = await writeArchive(join(tempDir(t), 'busybox.tar'), format, [{ image, repoTags: ['busybox:latest'] }]);
      const result = ok(await wharf.run(['load', '-i', archive]));
      assert.equal(result.stdout, 'Loaded image: busybox:latest\n');
      assert.equal(result.stderr, '');
      assert.equal(await idAndLayers(wharf, 'busybox:latest'), `${image.id} ${JSON.stringify(image.diffIds)}`);
    });

    it(`loads a ${format} archive from stdin`, async (t) => {
      const wharf = makeWharf(t);
      const image = await busyboxFixture('team/app:v1');
      const archive = await writeArchive(join(tempDir(t), 'app.tar'), format, [{ image, repoTags: ['team/app:v1'] }]);
      const result = ok(await wharf.run(['load'], { input: readFileSync(archive) }));
      assert.equal(result.stdout, 'Loaded image: team/app:v1\n');
      assert.equal(await idAndLayers(wharf, 'team/app:v1'), `${image.id} ${JSON.stringify(image.diffIds)}`);
    });

    it(`prints "Loaded image ID" for an untagged image in a ${format} archive`, async (t) => {
      const wharf = makeWharf(t);
      const image = await busyboxFixture('untagged');
      const archive = await writeArchive(join(tempDir(t), 'untagged.tar'), format, [{ image }]);
      assert.equal(await load(wharf, archive), `Loaded image ID: ${image.id}\n`);
      const listed = ok(await wharf.run(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}} {{.Tag}}']));
      assert.equal(listed.stdout, `${image.id} <none> <none>\n`);
    });
  }

  describe('compressed archives, decompressed by content, not by name', { concurrency: 4 }, () => {
    for (const format of ARCHIVE_FORMATS) {
      for (const [i, tool] of COMPRESSORS.entries()) {
        it(`${format} archive compressed with ${tool}`, async (t) => {
          const wharf = makeWharf(t);
          const tag = `squashed/${tool}:${format}`;
          const image = await busyboxFixture(tag);
          const plain = await writeArchive(join(tempDir(t), 'image.tar'), format, [{ image, repoTags: [tag] }]);
          const compressed = await compressFile(plain, tool);
          // alternate between -i and stdin, so both paths meet every compression
          const result = i % 2 === 0
            ? await wharf.run(['load', '-i', compressed])
            : await wharf.run(['load'], { input: readFileSync(compressed) });
          assert.equal(ok(result).stdout, `Loaded image: ${tag}\n`);
          assert.equal(await idAndLayers(wharf, tag), `${image.id} ${JSON.stringify(image.diffIds)}`);
        });
      }
    }
  });

  it("moves a tag to the new image with Docker's message, leaving the old one dangling", async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const [old, fresh] = [await busyboxFixture('one'), await busyboxFixture('two')];
    const first = await writeArchive(join(dir, 'old.tar'), 'classic', [{ image: old, repoTags: ['busybox:latest'] }]);
    const second = await writeArchive(join(dir, 'new.tar'), 'oci', [{ image: fresh, repoTags: ['busybox:latest'] }]);
    assert.equal(await load(wharf, first), 'Loaded image: busybox:latest\n');
    assert.equal(
      await load(wharf, second),
      `The image busybox:latest already exists, renaming the old one with ID ${old.id} to empty string\nLoaded image: busybox:latest\n`,
    );
    assert.equal(await idAndLayers(wharf, 'busybox'), `${fresh.id} ${JSON.stringify(fresh.diffIds)}`);
    const dangling = ok(await wharf.run(['images', '--filter', 'dangling=true', '--no-trunc', '-q']));
    assert.equal(dangling.stdout, `${old.id}\n`);
  });

  it('loads the same archive twice as a no-op with no rename message', async (t) => {
    const wharf = makeWharf(t);
    const image = await busyboxFixture();
    const archive = await writeArchive(join(tempDir(t), 'busybox.tar'), 'oci', [{ image, repoTags: ['busybox:latest'] }]);
    await load(wharf, archive);
    const blobs = blobFiles(wharf.root);
    assert.equal(await load(wharf, archive), 'Loaded image: busybox:latest\n');
    assert.deepEqual(blobFiles(wharf.root), blobs);
    const listed = ok(await wharf.run(['images', '--no-trunc', '-q']));
    assert.equal(listed.stdout, `${image.id}\n`);
  });

  it('loads several images and tags from one archive, in the order of its manifest', async (t) => {
    const wharf = makeWharf(t);
    const [a, b] = [await busyboxFixture('a'), await busyboxFixture('b')];
    const archive = await writeArchive(join(tempDir(t), 'two.tar'), 'classic', [
      { image: a, repoTags: ['a:1', 'docker.io/library/a:2'] },
      { image: b, repoTags: ['localhost:5000/ns/b:v1'] },
    ]);
    assert.deepEqual(lines(await load(wharf, archive)), ['Loaded image: a:1', 'Loaded image: a:2', 'Loaded image: localhost:5000/ns/b:v1']);
    const tags = ok(await wharf.run(['inspect', '-f', '{{.Id}} {{json .RepoTags}}', 'a:1', 'localhost:5000/ns/b:v1']));
    assert.deepEqual(lines(tags.stdout), [`${a.id} ["a:1","a:2"]`, `${b.id} ["localhost:5000/ns/b:v1"]`]);
  });

  it('prints the same lines with -q', async (t) => {
    const wharf = makeWharf(t);
    const image = await busyboxFixture();
    const archive = await writeArchive(join(tempDir(t), 'busybox.tar'), 'oci', [{ image, repoTags: ['busybox:latest'] }]);
    const result = ok(await wharf.run(['load', '-q', '-i', archive]));
    assert.equal(result.stdout, 'Loaded image: busybox:latest\n');
    assert.equal(result.stderr, '');
  });

  it('keeps exactly the layers, config and manifest of a Docker 25+ archive, and no ingest leftovers', async (t) => {
    const wharf = makeWharf(t);
    const image = await busyboxFixture('gz', { compression: 'gzip' });
    const archive = await writeArchive(join(tempDir(t), 'gz.tar'), 'oci', [{ image, repoTags: ['gz:1'] }]);
    await load(wharf, archive);
    const expected = [...image.layers.map((layer) => hex(layer.digest)), hex(image.id), hex(image.manifestDigest)].sort();
    assert.deepEqual(blobFiles(wharf.root), expected);
    assert.deepEqual(ingestFiles(wharf.root), []);
    assert.equal(await idAndLayers(wharf, 'gz:1'), `${image.id} ${JSON.stringify(image.diffIds)}`);
  });

  it('keeps exactly the layer tars and config of a classic archive', async (t) => {
    const wharf = makeWharf(t);
    const image = await busyboxFixture();
    const archive = await writeArchive(join(tempDir(t), 'classic.tar'), 'classic', [{ image, repoTags: ['busybox:latest'] }]);
    await load(wharf, archive);
    assert.deepEqual(blobFiles(wharf.root), [...image.diffIds.map(hex), hex(image.id)].sort());
  });

  it('loads an OCI layout whose manifest uses Docker schema 2 media types', async (t) => {
    const wharf = makeWharf(t);
    const image = await buildImage({
      layers: [[{ path: 'hello.txt', type: 'file', content: 'hello\n' }]],
      mediaTypes: 'docker',
      compression: 'gzip',
    });
    const archive = await writeArchive(join(tempDir(t), 'docker-types.tar'), 'layout', [{ image, repoTags: ['schema2:1'] }]);
    assert.equal(await load(wharf, archive), 'Loaded image: schema2:1\n');
    assert.equal(await idAndLayers(wharf, 'schema2:1'), `${image.id} ${JSON.stringify(image.diffIds)}`);
  });

  it('refuses a flag it does not know with exit 125', async (t) => {
    const wharf = makeWharf(t);
    const result = await wharf.run(['load', '--bogus']);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /^unknown flag: --bogus\n/);
  });
});
