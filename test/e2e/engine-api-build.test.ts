// `wharf serve`: the real docker CLI builds (the classic builder's POST /build), imports and searches through wharf's Engine API.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxApi } from '../helpers/engine-api.ts';
import { startSearchIndex } from '../helpers/search-index.ts';
import { fromBuffer } from '../helpers/byte-source.ts';
import { tarBuffer } from '../helpers/tar-writer.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** The docker CLI without buildx falls back to the classic builder, which wharf serve's ping (Builder-Version 1) asks for. */
const CLASSIC = { DOCKER_BUILDKIT: '0' };

function contextDir(t: Parameters<typeof tempDir>[0], files: Record<string, string>): string {
  const dir = tempDir(t, 'wharf-api-build-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('wharf serve (Engine API): docker build', () => {
  it('builds a Dockerfile sent as a tar: COPY, RUN, LABEL, ARG, tags, and the classic builder\'s closing lines', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const dockerfile = 'FROM busybox\nARG GREETING=unset\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt > /copied && echo "$GREETING" >> /copied\nLABEL team=docs\nCMD ["cat", "/copied"]\n';
    const dir = contextDir(t, { Dockerfile: dockerfile, 'hello.txt': 'hello\n', '.dockerignore': 'secret.txt\n', 'secret.txt': 'no\n' });
    const built = ok(await api.docker(['build', '-t', 'built:v1', '-t', 'team/built', '--build-arg', 'GREETING=hi', dir], { env: CLASSIC }));
    const id = ok(await wharf.run(['images', '--no-trunc', '-q', 'built:v1'])).stdout.trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.match(built.stdout, new RegExp(`Successfully built ${id.slice(7, 19)}\nSuccessfully tagged built:v1\nSuccessfully tagged team/built:latest\n$`));
    assert.match(built.stdout, /\[3\/6\] COPY hello\.txt \/hello\.txt/);
    assert.deepEqual(await api.docker(['run', '--rm', 'built:v1']), { code: 0, stdout: 'hello\nhi\n', stderr: '' });
    assert.equal(ok(await api.docker(['inspect', '-f', '{{.Config.Labels.team}}', 'team/built'])).stdout, 'docs\n');
    // what .dockerignore hides never reaches the server
    const ignored = contextDir(t, { Dockerfile: 'FROM busybox\nCOPY secret.txt /\n', '.dockerignore': 'secret.txt\n', 'secret.txt': 'no\n' });
    const refused = await api.docker(['build', ignored], { env: CLASSIC });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /secret\.txt/);
  });

  it('prints only the image ID with -q, writes --iidfile, takes -f and a Dockerfile on stdin, and reuses its cache', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const dir = contextDir(t, { 'build/app.Dockerfile': 'FROM busybox\nRUN echo one > /one\n' });
    const iidfile = join(tempDir(t), 'iid');
    const quiet = ok(await api.docker(['build', '-q', '--iidfile', iidfile, '-f', join(dir, 'build/app.Dockerfile'), dir], { env: CLASSIC }));
    assert.match(quiet.stdout, /^sha256:[0-9a-f]{64}\n$/);
    // the classic builder's -q writes the stream it printed, newline and all
    assert.equal(readFileSync(iidfile, 'utf8'), quiet.stdout);
    const again = ok(await api.docker(['build', '-q', '-f', join(dir, 'build/app.Dockerfile'), dir], { env: CLASSIC }));
    assert.equal(again.stdout, quiet.stdout, 'the cached steps give the same image');
    const fromStdin = ok(await api.docker(['build', '-q', '-t', 'piped', '-'], { env: CLASSIC, input: 'FROM busybox\nENV PIPED=1\n' }));
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}} {{index .Config.Env 1}}', 'piped'])).stdout, `${fromStdin.stdout.trim()} PIPED=1\n`);
  });

  it('prunes the build cache for `docker builder prune`', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    ok(await api.docker(['build', contextDir(t, { Dockerfile: 'FROM busybox\nRUN --mount=type=cache,target=/cache head -c 5000 /dev/zero > /cache/f\n' })], { env: CLASSIC }));
    const pruned = ok(await api.docker(['builder', 'prune', '-f'])).stdout;
    assert.match(pruned, /^Deleted build cache objects:\n\S+\n\nTotal reclaimed space: \d/);
    assert.doesNotMatch(pruned, /Total reclaimed space: 0B/);
    assert.equal(ok(await wharf.run(['builder', 'prune', '-f'])).stdout, 'Total reclaimed space: 0B\n', 'nothing left to prune');
  });

  it('fails as Docker does: a failing RUN, a bad instruction, a bad tag, a missing base image', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const failing = await api.docker(['build', '-t', 'never', contextDir(t, { Dockerfile: 'FROM busybox\nRUN echo trying; exit 3\n' })], { env: CLASSIC });
    // the classic builder exits with the RUN's own code
    assert.equal(failing.code, 3);
    assert.match(failing.stdout, /trying/);
    assert.match(failing.stderr, /returned a non-zero code: 3/);
    assert.equal(ok(await wharf.run(['images', '-q', 'never'])).stdout, '', 'nothing tagged');
    const unknown = await api.docker(['build', contextDir(t, { Dockerfile: 'FROM busybox\nFROBNICATE x\n' })], { env: CLASSIC });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown instruction: FROBNICATE/i);
    // the docker CLI checks -t itself; the server refuses a bad one before reading the context
    const badTag = await api.http('POST', '/v1.47/build?t=Bad:Tag', { 'Content-Type': 'application/x-tar' }, '');
    assert.equal(badTag.status, 400);
    assert.match(badTag.body, /invalid reference format/);
    const missing = await api.docker(['build', contextDir(t, { Dockerfile: 'FROM 127.0.0.1:9/nothing:here\n' })], { env: CLASSIC });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /127\.0\.0\.1:9/);
    const foreign = await api.docker(['build', '--platform', 'linux/s390x', contextDir(t, { Dockerfile: 'FROM busybox\n' })], { env: CLASSIC });
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /(^|\n)Error response from daemon: wharf builds for this host's platform only \(linux\/amd64\), not linux\/s390x\n$/);
  });
});

describe('wharf serve (Engine API): docker import and docker search', () => {
  it('imports a tarball from stdin with its tag, --change and -m, as wharf import does, and refuses a broken one', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const rootfs = await tarBuffer([{ name: 'etc/', type: 'directory' }, { name: 'etc/motd', type: 'file', body: fromBuffer(Buffer.from('imported\n')) }]);
    const id = ok(await api.docker(['import', '-c', 'CMD ["cat", "/etc/motd"]', '-c', 'ENV A=1', '-m', 'by the API', '-', 'made:v1'], { input: rootfs })).stdout.trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(await wharf.run(['images', '--no-trunc', '-q', 'made:v1'])).stdout, `${id}\n`);
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Comment}}|{{json .Config.Cmd}}|{{json .Config.Env}}|{{len .RootFS.Layers}}', 'made:v1'])).stdout, 'by the API|["cat","/etc/motd"]|["A=1"]|1\n');
    const broken = await api.docker(['import', '-', 'broken:v1'], { input: rootfs.subarray(0, 700) });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^Error response from daemon: .+\n$/);
    assert.equal(ok(await wharf.run(['images', '-q', 'broken'])).stdout, '', 'nothing recorded');
  });

  it('searches a registry\'s index with --limit, --filter and --format, as wharf search does', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const index = await startSearchIndex(t, [
      { name: 'team/busybox', description: 'The busybox of the team.', star_count: 7, is_official: false, is_automated: false },
      { name: 'team/busybox-old', description: '', star_count: 1, is_official: false, is_automated: false },
    ]);
    const term = `${index.host}/busybox`;
    const format = ['--format', '{{.Name}} {{.StarCount}} {{.Description}}'];
    assert.equal(ok(await api.docker(['search', ...format, term])).stdout, ok(await wharf.run(['search', ...format, term])).stdout);
    assert.equal(ok(await api.docker(['search', ...format, '--filter', 'stars=5', term])).stdout, 'team/busybox 7 The busybox of the team.\n');
    assert.equal(index.requests.at(-1)?.n, '25');
    ok(await api.docker(['search', '--limit', '3', term]));
    assert.equal(index.requests.at(-1)?.n, '3');
    assert.match((await api.docker(['search', '--filter', 'nope=1', term])).stderr, /Invalid filter 'nope'/);
  });
});
