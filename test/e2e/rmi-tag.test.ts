// `wharf tag` and `wharf rmi`: names, Untagged/Deleted lines in Docker's order, conflicts, -f, --no-prune, several args.
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { blobFiles, chainIdsOf, failsWithOneLine, lines, load, ok, writeArchive } from '../helpers/cli-fixtures.ts';
import { type BuiltImage, buildImage, busyboxFixture } from '../helpers/image-builder.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';
import type { TestContext } from 'node:test';

/** A wharf holding busybox:latest, and a second image sharing its base layer, tagged other:1. */
async function twoImages(t: TestContext): Promise<{ wharf: Wharf; busybox: BuiltImage; other: BuiltImage }> {
  const wharf = makeWharf(t);
  const [busybox, other] = [await busyboxFixture('busybox'), await busyboxFixture('other')];
  await load(wharf, await writeArchive(join(tempDir(t), 'two.tar'), 'classic', [
    { image: busybox, repoTags: ['busybox:latest'] },
    { image: other, repoTags: ['other:1'] },
  ]));
  return { wharf, busybox, other };
}

async function idOf(wharf: Wharf, name: string): Promise<string> {
  return ok(await wharf.run(['inspect', '-f', '{{.Id}}', name])).stdout.trim();
}

async function tagsOf(wharf: Wharf, name: string): Promise<string[]> {
  return JSON.parse(ok(await wharf.run(['inspect', '-f', '{{json .RepoTags}}', name])).stdout) as string[];
}

const short = (id: string) => id.slice(7, 19);

describe('wharf tag', () => {
  it('adds names to an image, by name, short ID or full ID, printing nothing', async (t) => {
    const { wharf, busybox } = await twoImages(t);
    for (const [source, target] of [
      ['busybox:latest', 'registry.example:5000/team/busybox:v1'],
      [short(busybox.id), 'me/app'],
      [busybox.id, 'localhost/x:y'],
      ['busybox', 'busybox:again'],
    ]) {
      const result = ok(await wharf.run(['tag', source, target]));
      assert.equal(result.stdout + result.stderr, '');
    }
    // sorted by fully qualified name (docker.io/library/…, docker.io/me/…, localhost/…), as Docker 20.10 sorts them
    assert.deepEqual(await tagsOf(wharf, 'busybox'), [
      'busybox:again', 'busybox:latest', 'me/app:latest', 'localhost/x:y', 'registry.example:5000/team/busybox:v1',
    ]);
    const listed = ok(await wharf.run(['images', '--format', '{{.Repository}} {{.Tag}}', 'registry.example:5000/team/busybox']));
    assert.equal(listed.stdout, 'registry.example:5000/team/busybox v1\n');
  });

  it('moves an existing tag to the new image', async (t) => {
    const { wharf, other } = await twoImages(t);
    ok(await wharf.run(['tag', 'other:1', 'busybox:latest']));
    assert.equal(await idOf(wharf, 'busybox:latest'), other.id);
  });

  it("fails on a source that does not exist, with Docker's text", async (t) => {
    const { wharf } = await twoImages(t);
    failsWithOneLine(await wharf.run(['tag', 'nope', 'x']), /^Error response from daemon: No such image: nope:latest$/);
  });

  it("refuses an invalid target with docker/cli's text", async (t) => {
    const { wharf } = await twoImages(t);
    failsWithOneLine(
      await wharf.run(['tag', 'busybox', 'Busybox']),
      /^Error parsing reference: "Busybox" is not a valid repository\/tag: invalid reference format: repository name \(library\/Busybox\) must be lowercase$/,
    );
    failsWithOneLine(await wharf.run(['tag', 'busybox', 'a:b:c']), /invalid reference format/);
  });

  it('wants exactly two arguments (exit 125)', async (t) => {
    const wharf = makeWharf(t);
    const result = await wharf.run(['tag', 'busybox']);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /"wharf tag" requires exactly 2 arguments/);
  });
});

describe('wharf rmi', () => {
  it('untags, then deletes the image and the layer chains no other image uses, top first', async (t) => {
    const { wharf, busybox, other } = await twoImages(t);
    const result = ok(await wharf.run(['rmi', 'busybox']));
    const chains = chainIdsOf(busybox.diffIds);
    // the base layer is shared with other:1, so only the top chain goes
    assert.equal(result.stdout, `Untagged: busybox:latest\nDeleted: ${busybox.id}\nDeleted: ${chains[1]}\n`);
    assert.equal(result.stderr, '');
    assert.equal(await idOf(wharf, 'other:1'), other.id);
    const removed = ok(await wharf.run(['rmi', 'other:1'])).stdout;
    assert.equal(removed, `Untagged: other:1\nDeleted: ${other.id}\nDeleted: ${chainIdsOf(other.diffIds)[1]}\nDeleted: ${chains[0]}\n`);
    assert.deepEqual(blobFiles(wharf.root), [], 'every blob is collected once no image uses it');
  });

  it('only untags when the image has other names', async (t) => {
    const { wharf, busybox } = await twoImages(t);
    ok(await wharf.run(['tag', 'busybox', 'x:1']));
    assert.equal(ok(await wharf.run(['rmi', 'x:1'])).stdout, 'Untagged: x:1\n');
    assert.equal(await idOf(wharf, 'busybox:latest'), busybox.id);
    ok(await wharf.run(['tag', 'busybox', 'busybox:v2']));
    assert.equal(ok(await wharf.run(['image', 'rm', 'busybox:v2'])).stdout, 'Untagged: busybox:v2\n');
  });

  it("refuses an ID named in several repositories without -f, with Docker's conflict text", async (t) => {
    const { wharf, busybox } = await twoImages(t);
    ok(await wharf.run(['tag', 'busybox', 'a/b:1']));
    ok(await wharf.run(['tag', 'busybox', 'c/d:2']));
    failsWithOneLine(
      await wharf.run(['rmi', short(busybox.id)]),
      new RegExp(`^Error response from daemon: conflict: unable to delete ${short(busybox.id)} \\(must be forced\\) - image is referenced in multiple repositories$`),
    );
    assert.deepEqual(await tagsOf(wharf, busybox.id), ['a/b:1', 'c/d:2', 'busybox:latest']);
  });

  it('refuses an ID with two tags of one repository without -f', async (t) => {
    const { wharf, busybox } = await twoImages(t);
    ok(await wharf.run(['tag', 'busybox', 'busybox:v2']));
    failsWithOneLine(await wharf.run(['rmi', busybox.id]), /must be forced/);
  });

  it('with -f, untags every name (sorted by full name, as Docker 20.10 does) and deletes the image', async (t) => {
    const { wharf, busybox } = await twoImages(t);
    ok(await wharf.run(['tag', 'busybox', 'c/d:2']));
    ok(await wharf.run(['tag', 'busybox', 'a/b:1']));
    const result = ok(await wharf.run(['rmi', '-f', short(busybox.id)]));
    assert.equal(
      result.stdout,
      `Untagged: a/b:1\nUntagged: c/d:2\nUntagged: busybox:latest\nDeleted: ${busybox.id}\nDeleted: ${chainIdsOf(busybox.diffIds)[1]}\n`,
    );
    failsWithOneLine(await wharf.run(['inspect', '-f', '{{.Id}}', 'a/b:1']), /No such image/);
  });

  it('deletes an ID with a single name, untagging it first', async (t) => {
    const { wharf, other } = await twoImages(t);
    const result = ok(await wharf.run(['rmi', other.id]));
    assert.deepEqual(lines(result.stdout).slice(0, 2), ['Untagged: other:1', `Deleted: ${other.id}`]);
  });

  it('deletes a dangling image by short ID with only Deleted lines', async (t) => {
    const wharf = makeWharf(t);
    const image = await busyboxFixture('dangling');
    await load(wharf, await writeArchive(join(tempDir(t), 'd.tar'), 'oci', [{ image }]));
    const chains = chainIdsOf(image.diffIds);
    assert.equal(ok(await wharf.run(['rmi', short(image.id)])).stdout, `Deleted: ${image.id}\nDeleted: ${chains[1]}\nDeleted: ${chains[0]}\n`);
    assert.equal(ok(await wharf.run(['images', '-a', '-q'])).stdout, '');
  });

  it('goes on after a failing argument, reports it on stderr, and exits 1', async (t) => {
    const { wharf, busybox, other } = await twoImages(t);
    const result = await wharf.run(['rmi', 'nope', 'busybox:latest', 'also-missing:2', 'other:1']);
    assert.equal(result.code, 1);
    assert.deepEqual(lines(result.stderr), [
      'Error response from daemon: No such image: nope:latest',
      'Error response from daemon: No such image: also-missing:2',
    ]);
    assert.deepEqual(lines(result.stdout).filter((line) => line.startsWith('Untagged') || line.startsWith(`Deleted: ${busybox.id}`) || line.startsWith(`Deleted: ${other.id}`)), [
      'Untagged: busybox:latest', `Deleted: ${busybox.id}`, 'Untagged: other:1', `Deleted: ${other.id}`,
    ]);
    assert.equal(ok(await wharf.run(['images', '-a', '-q'])).stdout, '');
  });

  it('with -f, reports an image that is not there but does not fail (docker/cli)', async (t) => {
    const { wharf, other } = await twoImages(t);
    const result = await wharf.run(['rmi', '-f', 'nope', 'other:1']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, 'Error response from daemon: No such image: nope:latest\n');
    assert.deepEqual(lines(result.stdout).slice(0, 2), ['Untagged: other:1', `Deleted: ${other.id}`]);
  });

  it('fails on an ambiguous ID prefix and deletes nothing', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    // find two images whose IDs share a first hex digit
    const images: BuiltImage[] = [];
    for (let i = 0; images.length < 2; i++) {
      const image = await buildImage({ layers: [[{ path: 'n', type: 'file', content: String(i) }]] });
      if (images.length === 0 || image.id[7] === images[0].id[7]) images.push(image);
    }
    await load(wharf, await writeArchive(join(dir, 'ab.tar'), 'classic', images.map((image) => ({ image }))));
    const result = await wharf.run(['rmi', images[0].id.slice(7, 8)]);
    assert.equal(result.code, 1);
    assert.equal(lines(ok(await wharf.run(['images', '-q'])).stdout).length, 2);
  });

  it('wants at least one argument (exit 125)', async (t) => {
    const wharf = makeWharf(t);
    const result = await wharf.run(['rmi']);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /"wharf rmi" requires at least 1 argument/);
  });

  describe('with a parent image (as build records it)', () => {
    async function parentAndChild(t: TestContext) {
      const wharf = makeWharf(t);
      const dir = tempDir(t);
      const parent = await buildImage({ layers: [{ busybox: true }] });
      const child = await busyboxFixture();
      await load(wharf, await writeArchive(join(dir, 'p.tar'), 'classic', [{ image: parent }]));
      await load(wharf, await writeArchive(join(dir, 'c.tar'), 'classic', [{ image: child, repoTags: ['child:1'] }]));
      const db = new DatabaseSync(join(wharf.root, 'metadata.db'));
      db.prepare('UPDATE images SET parent = ? WHERE id = ?').run(parent.id, child.id);
      db.close();
      return { wharf, parent, child };
    }

    it('refuses to delete the parent, even with -f', async (t) => {
      const { wharf, parent } = await parentAndChild(t);
      for (const args of [[short(parent.id)], ['-f', short(parent.id)]]) {
        failsWithOneLine(
          await wharf.run(['rmi', ...args]),
          new RegExp(`^Error response from daemon: conflict: unable to delete ${short(parent.id)} \\(cannot be forced\\) - image has dependent child images$`),
        );
      }
    });

    it('deletes the untagged parent with the child', async (t) => {
      const { wharf, parent, child } = await parentAndChild(t);
      const chains = chainIdsOf(child.diffIds);
      assert.equal(
        ok(await wharf.run(['rmi', 'child:1'])).stdout,
        `Untagged: child:1\nDeleted: ${child.id}\nDeleted: ${chains[1]}\nDeleted: ${parent.id}\nDeleted: ${chains[0]}\n`,
      );
      assert.equal(ok(await wharf.run(['images', '-a', '-q'])).stdout, '');
    });

    it('keeps the parent with --no-prune, which then shows as a dangling image', async (t) => {
      const { wharf, parent, child } = await parentAndChild(t);
      const chains = chainIdsOf(child.diffIds);
      assert.equal(ok(await wharf.run(['rmi', '--no-prune', 'child:1'])).stdout, `Untagged: child:1\nDeleted: ${child.id}\nDeleted: ${chains[1]}\n`);
      assert.equal(ok(await wharf.run(['images', '-q', '--no-trunc', '--filter', 'dangling=true'])).stdout, `${parent.id}\n`);
    });
  });
});
