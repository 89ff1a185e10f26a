// `wharf search`: Docker Hub's v1 search API (a stand-in index the test serves), compared line for line with real Docker
// searching the same index, and the catalog of the real distribution registry filtered by the term, across pages.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { failsWithOneLine, ok } from '../helpers/cli-fixtures.ts';
import { buildImage } from '../helpers/image-builder.ts';
import { type Dockerd, type Distribution, startDistribution, startDockerd } from '../helpers/peers.ts';
import { seedImage } from '../helpers/registry-seed.ts';
import { type IndexRepository, type SearchIndex, startSearchIndex } from '../helpers/search-index.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { makeWharf } from '../helpers/wharf-cli.ts';

const REPOSITORIES: IndexRepository[] = [
  { name: 'nginx', description: 'Official build of Nginx.', star_count: 20512, is_official: true, is_automated: false },
  { name: 'bitnami/nginx', description: 'Bitnami container image for NGINX, a very long description that goes on\nand on', star_count: 190, is_official: false, is_automated: true },
  { name: 'user/nginx-日本語', description: '日本語の説明です。これはとても長い説明で、切り詰められるはずです。', star_count: 3, is_official: false, is_automated: false },
  { name: 'tiny/nginx', description: '', star_count: 0, is_official: false, is_automated: false },
];

describe('search through a v1 search index', { concurrency: 4 }, () => {
  let index: SearchIndex;
  const scope = suiteScope();
  before(async () => {
    index = await startSearchIndex(scope, REPOSITORIES);
  });
  const search = (t: Parameters<typeof makeWharf>[0], args: string[]) => makeWharf(t).run(['search', ...args], { env: { WHARF_INDEX_SERVER: index.url } });

  it("prints Docker 28's columns, descriptions cut at 45 columns with …, and asks for Docker's default 25", async (t) => {
    const result = ok(await search(t, ['nginx']));
    assert.equal(result.stdout, [
      'NAME                DESCRIPTION                                     STARS     OFFICIAL',
      'nginx               Official build of Nginx.                        20512     [OK]',
      'bitnami/nginx       Bitnami container image for NGINX, a very lo…   190       ',
      'user/nginx-日本語   日本語の説明です。これはとても長い説明で、切…   3         ',
      'tiny/nginx                                                          0         ',
      '',
    ].join('\n'));
    assert.deepEqual(index.requests.find((request) => request.q === 'nginx' && request.n === '25')?.authorization, undefined);
  });

  it('passes --limit to the index and strips library/ for Docker Hub', async (t) => {
    const limited = ok(await search(t, ['--limit', '2', '--format', '{{.Name}}', 'library/nginx']));
    assert.equal(limited.stdout, 'nginx\nbitnami/nginx\n');
    assert.ok(index.requests.some((request) => request.q === 'nginx' && request.n === '2'));
  });

  it('filters by is-official, stars (the highest given) and is-automated (with Docker 28 warning)', async (t) => {
    assert.equal(ok(await search(t, ['--filter', 'is-official=true', '--format', '{{.Name}}', 'nginx'])).stdout, 'nginx\n');
    assert.equal(ok(await search(t, ['-f', 'stars=3', '-f', 'stars=100', '--format', '{{.Name}}', 'nginx'])).stdout, 'nginx\nbitnami/nginx\n');
    const automated = ok(await search(t, ['--filter', 'is-automated=true', '--format', '{{.Name}}', 'nginx']));
    assert.equal(automated.stdout, 'bitnami/nginx\n');
    assert.equal(automated.stderr, 'WARNING: the "is-automated" filter is deprecated, and searching for "is-automated=true" will not yield any results in future.\n');
  });

  it('--no-trunc keeps the whole description; --format json has Go booleans', async (t) => {
    const full = ok(await search(t, ['--no-trunc', '--format', '{{.Description}}', 'bitnami']));
    assert.equal(full.stdout, 'Bitnami container image for NGINX, a very long description that goes on and on\n');
    const json = ok(await search(t, ['--format', 'json', '--filter', 'is-official=true', 'nginx']));
    assert.deepEqual(JSON.parse(json.stdout), { Description: 'Official build of Nginx.', IsOfficial: 'true', Name: 'nginx', StarCount: '20512' });
  });

  it("refuses bad limits and filters with dockerd's words, before asking the index", async (t) => {
    const cases: Array<[string[], string]> = [
      [['--limit', '101', 'never-asked'], "Error response from daemon: Limit 101 is outside the range of [1, 100]"],
      [['--filter', 'foo=1', 'never-asked'], "Error response from daemon: Invalid filter 'foo'"],
      [['--filter', 'is-official=maybe', 'never-asked'], "Error response from daemon: Invalid filter 'is-official=[maybe]'"],
      [['--filter', 'stars=many', 'never-asked'], "Error response from daemon: Invalid filter 'stars=many'"],
      [['http://127.0.0.1:1/nginx'], 'Error response from daemon: Invalid repository name (ex: "registry.domain.tld/myrepos")'],
    ];
    for (const [args, message] of cases) assert.equal(failsWithOneLine(await search(t, args)), message, args.join(' '));
    assert.ok(!index.requests.some((request) => request.q === 'never-asked'));
    const usage = await search(t, ['--limit', 'x', 'nginx']);
    assert.equal(usage.code, 125);
    assert.match(usage.stderr, /^invalid argument "x" for "--limit" flag: strconv\.ParseInt: parsing "x": invalid syntax\n/);
  });

  it('prints exactly what real Docker prints for the same index', async (t) => {
    const dockerd: Dockerd | undefined = await startDockerd(t);
    if (!dockerd) return;
    const variants = [[], ['--no-trunc'], ['--limit', '2'], ['--filter', 'stars=100'], ['--format', '{{json .}}'], ['--format', 'table {{.Name}}\t{{.IsOfficial}}']];
    for (const flags of variants) {
      // dockerd searches a registry named in the term through its v1 API: the stand-in answers for both.
      const args = [...flags, `${index.host}/nginx`];
      const docker = await dockerd.docker(['search', ...args]);
      assert.equal(docker.code, 0, docker.stderr);
      const wharf = ok(await search(t, args));
      assert.equal(wharf.stdout, docker.stdout, flags.join(' '));
    }
  });
});

describe('search through the catalog of a registry without a search API', () => {
  let registry: Distribution | undefined;
  const scope = suiteScope();
  before(async () => {
    registry = await startDistribution(scope);
    const image = await buildImage({ layers: [[{ path: 'hello.txt', type: 'file', content: 'hello\n' }]] });
    // more than one catalog page (100 names), so the search follows the registry's Link header
    const names = [...Array.from({ length: 104 }, (_, i) => `bulk/app-${String(i).padStart(3, '0')}`), 'team/busybox', 'team/busy-app', 'zeta/busybox-tools'];
    for (const name of names) await seedImage(registry!.url, name, image, 'v1');
  });

  it('lists the matching repositories as HOST/NAME, across catalog pages, up to the limit', async (t) => {
    const wharf = makeWharf(t);
    const found = ok(await wharf.run(['search', '--format', '{{.Name}}|{{.StarCount}}|{{.IsOfficial}}|{{.Description}}', `${registry!.host}/BUSY`]));
    assert.equal(found.stdout, [`${registry!.host}/team/busy-app|0||`, `${registry!.host}/team/busybox|0||`, `${registry!.host}/zeta/busybox-tools|0||`, ''].join('\n'));
    const limited = ok(await wharf.run(['search', '--limit', '2', '--format', '{{.Name}}', `${registry!.host}/busy`]));
    assert.equal(limited.stdout, `${registry!.host}/team/busy-app\n${registry!.host}/team/busybox\n`);
    const table = ok(await wharf.run(['search', `${registry!.host}/zeta`]));
    const [header, row, end] = table.stdout.split('\n');
    assert.match(header, /^NAME +DESCRIPTION +STARS +OFFICIAL$/);
    assert.deepEqual([row.trimEnd().split(/ {2,}/), end], [[`${registry!.host}/zeta/busybox-tools`, '0'], '']);
  });

  it('names the unreachable registry', async (t) => {
    const stopped = await startDistribution(t);
    await stopped!.stop();
    const line = failsWithOneLine(await makeWharf(t).run(['search', `${stopped!.host}/busy`]));
    assert.equal(line, `Error response from daemon: Get "http://${stopped!.host}/v2/": dial tcp ${stopped!.host}: connect: connection refused`);
  });
});
