// `wharf images`: Docker's table (columns, widths, units, ages), -q, --digests, --no-trunc, -a, filters and --format.
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  daysAgo,
  dockerTable,
  failsWithOneLine,
  goTimeString,
  jsonLines,
  lines,
  load,
  ok,
  UTC,
  writeArchive,
} from '../helpers/cli-fixtures.ts';
import { type BuiltImage, buildImage, busyboxFixture } from '../helpers/image-builder.ts';
import { makeWharf, tempDir, type Wharf, withTempDir } from '../helpers/wharf-cli.ts';

const HEADER = ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];

function fileLayer(name: string, bytes: number) {
  return [{ path: name, type: 'file' as const, content: Buffer.alloc(bytes, 'x') }];
}

interface Fixture {
  image: BuiltImage;
  created: string;
  short: string;
}

async function fixture(name: string, bytes: number, days: number, labels?: Record<string, string>): Promise<Fixture> {
  const created = daysAgo(days);
  const image = await buildImage({ layers: [fileLayer(name, bytes)], created, ...(labels ? { labels } : {}) });
  return { image, created, short: image.id.slice(7, 19) };
}

describe('wharf images', () => {
  let wharf: Wharf;
  let newest: Fixture, middle: Fixture, dangling: Fixture, oldest: Fixture;
  const run = async (...args: string[]) => ok(await wharf.run(['images', ...args], UTC)).stdout;

  before(async () => {
    wharf = makeWharf();
    newest = await fixture('new', 81, 3);
    middle = await fixture('mid', 2_000_000, 5, { tier: 'app', 'org.example.fixture': 'true' });
    dangling = await fixture('dangling', 10, 10);
    oldest = await fixture('old', 1500, 40, { tier: 'base' });
    await withTempDir('wharf-images-', async (dir) => load(wharf, await writeArchive(join(dir, 'all.tar'), 'classic', [
      { image: oldest.image, repoTags: ['old:1'] },
      { image: middle.image, repoTags: ['busybox:v2', 'busybox:latest'] },
      { image: newest.image, repoTags: ['registry.example:5000/team/app:v1'] },
      { image: dangling.image },
    ])));
  });
  after(() => wharf.cleanup());

  const rows = () => [
    ['registry.example:5000/team/app', 'v1', newest.short, '3 days ago', '81B'],
    ['busybox', 'latest', middle.short, '5 days ago', '2MB'],
    ['busybox', 'v2', middle.short, '5 days ago', '2MB'],
    ['<none>', '<none>', dangling.short, '10 days ago', '10B'],
    ['old', '1', oldest.short, '5 weeks ago', '1.5kB'],
  ];

  it("ends at once, quietly, with status 141 (as SIGPIPE ends Docker's CLI) once the reader of its output has gone", async () => {
    // closed long before the CLI has started and has anything to write: its first write meets EPIPE
    const gone = await wharf.runToGoneReader(['images'], 'start');
    assert.deepEqual(gone, { code: 141, signal: null, stderr: '' });
  });

  it("prints Docker's table: newest first, one row per tag, padded columns, human sizes and ages", async () => {
    assert.equal(await run(), dockerTable([HEADER, ...rows()]));
  });

  it('prints the same for `image ls` and `image list`', async () => {
    const expected = await run();
    assert.equal(ok(await wharf.run(['image', 'ls'], UTC)).stdout, expected);
    assert.equal(ok(await wharf.run(['image', 'list'], UTC)).stdout, expected);
  });

  it('prints one short ID per row with -q', async () => {
    assert.deepEqual(lines(await run('-q')), rows().map((row) => row[2]));
  });

  it('prints full IDs with --no-trunc', async () => {
    const full = [newest, middle, middle, dangling, oldest].map((f) => f.image.id);
    assert.equal(await run('--no-trunc'), dockerTable([HEADER, ...rows().map((row, i) => [...row.slice(0, 2), full[i], ...row.slice(3)])]));
    assert.deepEqual(lines(await run('-q', '--no-trunc')), full);
  });

  it('adds a DIGEST column with --digests (<none> for loaded images)', async () => {
    const expected = rows().map(([repo, tag, ...rest]) => [repo, tag, '<none>', ...rest]);
    assert.equal(await run('--digests'), dockerTable([['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'], ...expected]));
  });

  describe('--filter', () => {
    const repoTags = async (...args: string[]) => lines(await run('--format', '{{.Repository}}:{{.Tag}}', ...args));

    it('dangling=true lists only untagged images; dangling=false only tagged ones', async () => {
      assert.deepEqual(lines(await run('--filter', 'dangling=true', '-q')), [dangling.short]);
      assert.deepEqual(await repoTags('--filter', 'dangling=false'), [
        'registry.example:5000/team/app:v1', 'busybox:latest', 'busybox:v2', 'old:1',
      ]);
    });

    it('before= and since= compare creation times with the named image', async () => {
      assert.deepEqual(await repoTags('--filter', 'before=busybox:latest'), ['<none>:<none>', 'old:1']);
      assert.deepEqual(await repoTags('--filter', 'since=busybox:latest'), ['registry.example:5000/team/app:v1']);
      assert.deepEqual(await repoTags('--filter', `since=${oldest.short}`, '--filter', 'before=registry.example:5000/team/app:v1'), [
        'busybox:latest', 'busybox:v2', '<none>:<none>',
      ]);
    });

    it('label=KEY and label=KEY=VALUE match image labels; several must all match', async () => {
      assert.deepEqual(await repoTags('--filter', 'label=tier'), ['busybox:latest', 'busybox:v2', 'old:1']);
      assert.deepEqual(await repoTags('--filter', 'label=tier=base'), ['old:1']);
      assert.deepEqual(await repoTags('--filter', 'label=tier=app', '--filter', 'label=org.example.fixture=true'), ['busybox:latest', 'busybox:v2']);
      assert.deepEqual(await repoTags('--filter', 'label=tier=app', '--filter', 'label=nope'), []);
    });

    it('reference= takes globs, lists only the matching tags, and ORs several patterns', async () => {
      assert.deepEqual(await repoTags('--filter', 'reference=busybox'), ['busybox:latest', 'busybox:v2']);
      assert.deepEqual(await repoTags('--filter', 'reference=busybox:v*'), ['busybox:v2']);
      assert.deepEqual(await repoTags('--filter', 'reference=*/team/*'), ['registry.example:5000/team/app:v1']);
      assert.deepEqual(await repoTags('--filter', 'reference=b?sy*', '--filter', 'reference=old'), ['busybox:latest', 'busybox:v2', 'old:1']);
      assert.deepEqual(await repoTags('--filter', 'reference=docker.io/*'), []);
    });

    it('a REPOSITORY[:TAG] argument works as a reference filter', async () => {
      assert.deepEqual(await repoTags('busybox'), ['busybox:latest', 'busybox:v2']);
      assert.deepEqual(await repoTags('busybox:v2'), ['busybox:v2']);
      assert.equal(await run('nothing-like-it'), dockerTable([HEADER]));
    });

    it("rejects an unknown filter with Docker's daemon error", async () => {
      failsWithOneLine(await wharf.run(['images', '--filter', 'foo=bar']), /^Error response from daemon: Invalid filter 'foo'$/);
    });

    it("rejects dangling=maybe with Docker's daemon error", async () => {
      failsWithOneLine(await wharf.run(['images', '--filter', 'dangling=maybe']), /^Error response from daemon: Invalid filter 'dangling=\[maybe\]'$/);
    });

    it('fails on before= an image that does not exist', async () => {
      failsWithOneLine(await wharf.run(['images', '--filter', 'before=nope']), /^Error response from daemon: No such image: nope:latest$/);
    });

    it('refuses a filter without "=" as a flag error (exit 125), as docker/cli does', async () => {
      const result = await wharf.run(['images', '--filter', 'dangling']);
      assert.match(result.stderr, /bad format of filter \(expected name=value\)/);
      assert.equal(result.code, 125);
    });
  });

  describe('--format', () => {
    it('renders a Go template per row', async () => {
      assert.deepEqual(lines(await run('--format', '{{.ID}}|{{.Repository}}|{{.Tag}}|{{.Size}}', 'old')), [`${oldest.short}|old|1|1.5kB`]);
    });

    it('prints CreatedAt as Go prints a time', async () => {
      assert.deepEqual(lines(await run('--format', '{{.CreatedAt}}', 'old')), [goTimeString(new Date(oldest.created))]);
    });

    it('renders `table` templates with headers and aligned columns', async () => {
      assert.equal(
        await run('--format', 'table {{.Repository}}\t{{.Tag}}\t{{.Size}}', '--filter', 'label=tier'),
        dockerTable([['REPOSITORY', 'TAG', 'SIZE'], ['busybox', 'latest', '2MB'], ['busybox', 'v2', '2MB'], ['old', '1', '1.5kB']]),
      );
    });

    it("gives {{json .}} every field Docker's imageContext has, with its values", async () => {
      const [row] = jsonLines(await run('--format', '{{json .}}', 'busybox:latest'));
      assert.deepEqual(row, {
        Containers: 'N/A',
        CreatedAt: goTimeString(new Date(middle.created)),
        CreatedSince: '5 days ago',
        Digest: '<none>',
        ID: middle.short,
        Repository: 'busybox',
        SharedSize: 'N/A',
        Size: '2MB',
        Tag: 'latest',
        UniqueSize: 'N/A',
        VirtualSize: '2MB',
      });
    });

    it('escapes <, > and & in {{json .}} (json.Marshal) but not in {{json .Field}} (an Encoder without HTML escaping)', async () => {
      const output = await run('--format', '{{json .Repository}} {{json .}}', '--filter', 'dangling=true');
      assert.match(output, /^"<none>" \{.*"Repository":"\\u003cnone\\u003e".*\}\n$/);
    });

    it('--format json prints one JSON object per row, like {{json .}}', async () => {
      assert.equal(await run('--format', 'json'), await run('--format', '{{json .}}'));
      assert.equal(jsonLines(await run('--format', 'json')).length, 5);
    });

    it('fails on a template that does not parse', async () => {
      const result = await wharf.run(['images', '--format', '{{.ID']);
      assert.notEqual(result.code, 0);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /template/);
    });
  });
});

describe('wharf images on an empty store', () => {
  it('prints only the header', async (t) => {
    const wharf = makeWharf(t);
    assert.equal(ok(await wharf.run(['images'])).stdout, 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
    assert.equal(ok(await wharf.run(['images', '-q'])).stdout, '');
  });
});

describe('wharf images -a', () => {
  it('shows an untagged parent only with -a, and dangling=true never counts it', async (t) => {
    const wharf = makeWharf(t);
    const dir = tempDir(t);
    const parent = await buildImage({ layers: [{ busybox: true }] });
    const child = await busyboxFixture();
    await load(wharf, await writeArchive(join(dir, 'parent.tar'), 'classic', [{ image: parent }]));
    await load(wharf, await writeArchive(join(dir, 'child.tar'), 'classic', [{ image: child, repoTags: ['busybox:latest'] }]));
    // `build` and `commit` record parents; until they land, write the link they will write.
    const db = new DatabaseSync(join(wharf.root, 'metadata.db'));
    db.prepare('UPDATE images SET parent = ? WHERE id = ?').run(parent.id, child.id);
    db.close();
    const ids = async (...args: string[]) => lines(ok(await wharf.run(['images', '-q', '--no-trunc', ...args])).stdout).sort();
    assert.deepEqual(await ids(), [child.id]);
    assert.deepEqual(await ids('-a'), [child.id, parent.id].sort());
    assert.deepEqual(await ids('--filter', 'dangling=true'), []);
  });
});
