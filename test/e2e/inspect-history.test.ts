// `wharf inspect` (Docker's JSON shape, -f templates, errors) and `wharf history` (columns, <missing>, flags, --format).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxFixtureSize, daysAgo, dockerTable, failsWithOneLine, jsonLines, lines, load, ok, UTC, writeArchive } from '../helpers/cli-fixtures.ts';
import { type BuiltImage, buildImage, busyboxFixture } from '../helpers/image-builder.ts';
import { FIXED_CREATED } from '../helpers/tar-writer.ts';
import { makeWharf, type Wharf, withTempDir } from '../helpers/wharf-cli.ts';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const LONG_CREATED_BY = '/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef in / ';
const ZERO_TIME = '0001-01-01T00:00:00Z';

describe('wharf inspect and history', () => {
  let wharf: Wharf;
  let busybox: BuiltImage;
  let layered: BuiltImage;
  let layeredCreated: string;
  let offset: BuiltImage;
  let noHistory: BuiltImage;
  let noDates: BuiltImage;

  before(async () => {
    wharf = makeWharf();
    busybox = await busyboxFixture();
    layeredCreated = daysAgo(5);
    layered = await buildImage({
      layers: [[{ path: 'a', type: 'file', content: Buffer.alloc(1500, 'a') }], [{ path: 'b', type: 'file', content: Buffer.alloc(81, 'b') }]],
      created: layeredCreated,
      history: [
        { created: layeredCreated, created_by: LONG_CREATED_BY },
        { created: layeredCreated, created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
        { created: layeredCreated, created_by: 'COPY b /b # buildkit', comment: 'buildkit.dockerfile.v0' },
      ],
    });
    offset = await buildImage({ layers: [[{ path: 'o', type: 'file', content: 'o' }]], created: '2023-11-14T23:13:20.5+01:00' });
    noHistory = await buildImage({ layers: [[{ path: 'n', type: 'file', content: 'n' }]], extraConfig: { history: undefined } });
    noDates = await buildImage({
      layers: [[{ path: 'd', type: 'file', content: 'dd' }]],
      history: [{ created_by: 'no date here' }],
    });
    await withTempDir('wharf-inspect-', async (dir) => load(wharf, await writeArchive(join(dir, 'all.tar'), 'oci', [
      { image: busybox, repoTags: ['busybox:latest'] },
      { image: layered, repoTags: ['layered:1'] },
      { image: offset, repoTags: ['offset:1'] },
      { image: noHistory, repoTags: ['nohistory:1'] },
      { image: noDates, repoTags: ['nodates:1'] },
    ])));
  });
  after(() => wharf.cleanup());

  const run = async (...args: string[]) => ok(await wharf.run(args, UTC)).stdout;
  const historySizes = async (name: string) => lines(await run('history', '--human=false', '--format', '{{.Size}}', name)).map(Number);

  describe('inspect', () => {
    it("prints a JSON array in Docker's shape, indented by four spaces", async () => {
      const output = await run('inspect', 'busybox');
      assert.match(output, /^\[\n {4}\{\n {8}"Id": "sha256:[a-f0-9]{64}",\n/);
      const [image] = JSON.parse(output) as Array<Record<string, unknown>>;
      const keys = Object.keys(image);
      const expectedOrder = ['Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'DockerVersion', 'Author', 'Config', 'Architecture', 'Os', 'Size', 'GraphDriver', 'RootFS', 'Metadata'];
      assert.deepEqual(keys.filter((key) => expectedOrder.includes(key)), expectedOrder);
      assert.equal(image.Id, busybox.id);
      assert.deepEqual(image.RepoTags, ['busybox:latest']);
      assert.deepEqual(image.RepoDigests, []);
      assert.equal(image.Parent, '');
      assert.equal(image.Comment, '');
      assert.equal(image.Created, FIXED_CREATED);
      assert.equal(image.Architecture, 'amd64');
      assert.equal(image.Os, 'linux');
      assert.deepEqual(image.RootFS, { Type: 'layers', Layers: busybox.diffIds });
      assert.deepEqual(image.Metadata, { LastTagTime: ZERO_TIME });
      assert.equal(image.Size, busyboxFixtureSize());
    });

    it("fills Config with every field of Docker's container config, as Docker 20.10 prints it", async () => {
      const [image] = JSON.parse(await run('inspect', 'busybox')) as Array<Record<string, unknown>>;
      assert.deepEqual(image.Config, {
        Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
        Tty: false, OpenStdin: false, StdinOnce: false, Env: [DEFAULT_PATH], Cmd: ['sh'], Image: '', Volumes: null,
        WorkingDir: '/', Entrypoint: null, OnBuild: null, Labels: { 'org.example.fixture': 'true' },
      });
    });

    it('keeps the offset of a Created time written with one, as Go does', async () => {
      assert.equal(await run('inspect', '-f', '{{.Created}}', 'offset:1'), '2023-11-14T23:13:20.5+01:00\n');
    });

    it('records LastTagTime when tag runs, not when load does', async () => {
      const before = Date.now();
      ok(await wharf.run(['tag', 'offset:1', 'offset:tagged']));
      const time = (await run('inspect', '-f', '{{json .Metadata.LastTagTime}}', 'offset:1')).trim();
      assert.match(time, /^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"$/);
      assert.ok(Date.parse(JSON.parse(time)) >= before - 1000);
      assert.equal(await run('inspect', '-f', '{{json .Metadata.LastTagTime}}', 'layered:1'), `"${ZERO_TIME}"\n`);
    });

    it('renders -f templates: fields, json, index, range, len, join, if/else', async () => {
      const size = busyboxFixtureSize();
      const templates: Array<[string, string]> = [
        ['{{.Size}} {{json .Config.Cmd}}', `${size} ["sh"]`],
        ['{{.Os}}/{{.Architecture}}', 'linux/amd64'],
        ['{{index .Config.Labels "org.example.fixture"}}', 'true'],
        ['{{len .RootFS.Layers}}', '2'],
        ['{{range .RootFS.Layers}}{{.}},{{end}}', `${busybox.diffIds.join(',')},`],
        ['{{join .RepoTags ","}}', 'busybox:latest'],
        ['{{if .Parent}}has parent{{else}}no parent{{end}}', 'no parent'],
        ['{{json .RootFS}}', JSON.stringify({ Type: 'layers', Layers: busybox.diffIds })],
      ];
      for (const [template, expected] of templates) {
        assert.equal(await run('inspect', '-f', template, 'busybox'), `${expected}\n`, template);
      }
      assert.equal(await run('image', 'inspect', '--format', '{{.Id}}', 'busybox'), `${busybox.id}\n`);
    });

    it('prints one line per image with -f, found by name, short ID or full ID', async () => {
      assert.deepEqual(lines(await run('inspect', '-f', '{{.Id}}', 'busybox', layered.id.slice(7, 19), offset.id)), [busybox.id, layered.id, offset.id]);
    });

    it('prints [] and one error line for an image that does not exist, and exits 1', async () => {
      const result = await wharf.run(['inspect', 'nope']);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '[]\n');
      assert.match(result.stderr, /^[^\n]*No such image: nope[^\n]*\n$/);
    });

    it('still prints the images it found when another is missing', async () => {
      const result = await wharf.run(['inspect', 'busybox', 'nope']);
      assert.equal(result.code, 1);
      assert.deepEqual((JSON.parse(result.stdout) as Array<{ Id: string }>).map((image) => image.Id), [busybox.id]);
      const templated = await wharf.run(['inspect', '-f', '{{.Id}}', 'nope', 'busybox']);
      assert.equal(templated.code, 1);
      assert.equal(templated.stdout, `${busybox.id}\n`);
    });

    it('fails on a template that does not parse, before printing anything', async () => {
      const result = await wharf.run(['inspect', '-f', '{{.Id}', 'busybox']);
      assert.notEqual(result.code, 0);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^template parsing error: /);
    });

    it('--format json prints the JSON array', async () => {
      assert.equal(await run('inspect', '--format', 'json', 'busybox'), await run('inspect', 'busybox'));
    });
  });

  describe('history', () => {
    const rows = (id: string) => [
      [id, '5 days ago', 'COPY b /b # buildkit', '81B', 'buildkit.dockerfile.v0'],
      ['<missing>', '5 days ago', '/bin/sh -c #(nop)  ENV A=1', '0B', ''],
      ['<missing>', '5 days ago', `${LONG_CREATED_BY.slice(0, 44)}…`, '1.5kB', ''],
    ];
    const HEADER = ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'];

    it("prints Docker's table, newest first, <missing> below the image, long commands cut with …", async () => {
      assert.equal(await run('history', 'layered:1'), dockerTable([HEADER, ...rows(layered.id.slice(7, 19))]));
      assert.equal(await run('image', 'history', 'layered:1'), await run('history', 'layered:1'));
    });

    it('prints full IDs and commands with --no-trunc', async () => {
      const expected = rows(layered.id);
      expected[2][2] = LONG_CREATED_BY;
      assert.equal(await run('history', '--no-trunc', 'layered:1'), dockerTable([HEADER, ...expected]));
    });

    it('prints only the IDs with -q', async () => {
      assert.equal(await run('history', '-q', 'layered:1'), `${layered.id.slice(7, 19)}\n<missing>\n<missing>\n`);
      assert.equal(await run('history', '-q', '--no-trunc', 'layered:1'), `${layered.id}\n<missing>\n<missing>\n`);
    });

    it('prints bytes and RFC 3339 times in a CREATED AT column with --human=false', async () => {
      const at = layeredCreated;
      assert.equal(
        await run('history', '--human=false', 'layered:1'),
        dockerTable([
          ['IMAGE', 'CREATED AT', 'CREATED BY', 'SIZE', 'COMMENT'],
          [layered.id.slice(7, 19), at, 'COPY b /b # buildkit', '81', 'buildkit.dockerfile.v0'],
          ['<missing>', at, '/bin/sh -c #(nop)  ENV A=1', '0', ''],
          ['<missing>', at, `${LONG_CREATED_BY.slice(0, 44)}…`, '1500', ''],
        ]),
      );
    });

    it('takes -H=false as docker/cli (pflag) does', async () => {
      assert.equal(await run('history', '-H=false', 'layered:1'), await run('history', '--human=false', 'layered:1'));
    });

    it('renders --format templates per row', async () => {
      assert.deepEqual(lines(await run('history', '--format', '{{.ID}}|{{.Size}}|{{.Comment}}', 'layered:1')), [
        `${layered.id.slice(7, 19)}|81B|buildkit.dockerfile.v0`, '<missing>|0B|', '<missing>|1.5kB|',
      ]);
    });

    it("gives {{json .}} the fields of docker/cli's historyContext, CreatedAt in RFC 3339", async () => {
      const [top] = jsonLines(await run('history', '--format', '{{json .}}', 'layered:1'));
      assert.deepEqual(top, {
        Comment: 'buildkit.dockerfile.v0',
        CreatedAt: layeredCreated,
        CreatedBy: 'COPY b /b # buildkit',
        CreatedSince: '5 days ago',
        ID: layered.id.slice(7, 19),
        Size: '81B',
      });
    });

    it('counts layer sizes as Docker does, and they sum to the image size', async () => {
      assert.equal(await run('inspect', '-f', '{{.Size}}', 'layered:1'), '1581\n');
      assert.deepEqual(await historySizes('layered:1'), [81, 0, 1500]);
    });

    it('prints only the header for an image whose config has no history, as Docker does', async () => {
      assert.equal(await run('history', 'nohistory:1'), dockerTable([HEADER]));
    });

    it('prints N/A and the zero time for a history entry without a date', async () => {
      const [row] = jsonLines(await run('history', '--format', '{{json .}}', 'nodates:1'));
      assert.equal(row.CreatedSince, 'N/A');
      assert.equal(row.CreatedAt, ZERO_TIME);
      assert.equal(row.CreatedBy, 'no date here');
    });

    it("fails on an image that does not exist with Docker's text", async () => {
      failsWithOneLine(await wharf.run(['history', 'nope']), /^Error response from daemon: No such image: nope:latest$/);
    });
  });
});
