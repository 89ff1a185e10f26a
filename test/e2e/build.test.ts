// wharf build through the CLI: instructions and their config and history, RUN's layer, COPY's rules, the cache, stages, contexts and .dockerignore, Docker's errors, and the same Dockerfile built by real Docker.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { busyboxPair, busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { chainIdsOf, ok, WHARF_BIN } from '../helpers/cli-fixtures.ts';
import { runCommand } from '../helpers/run-command.ts';
import { startWharfRegistry } from '../helpers/registry-server.ts';
import { tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const APP_DOCKERFILE = `FROM busybox
ARG VERSION=1
ENV A=1 B="two words"
LABEL team=core
WORKDIR /app
COPY a.txt .
COPY sub /sub/
RUN echo $VERSION > /v && rm /etc/motd
EXPOSE 80
USER nobody
VOLUME /data
CMD ["sh","-c","cat /v"]
`;

/** A context directory with the given files (a trailing `/` makes a directory). */
function context(t: Parameters<typeof tempDir>[0], files: Record<string, string>): string {
  const dir = tempDir(t);
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    if (name.endsWith('/')) mkdirSync(path, { recursive: true });
    else writeFileSync(path, content);
  }
  return dir;
}

const appContext = (t: Parameters<typeof tempDir>[0]) => context(t, { Dockerfile: APP_DOCKERFILE, 'a.txt': 'hello\n', 'sub/b.txt': 'sub\n' });

async function inspect(wharf: Wharf, name: string): Promise<Record<string, any>> {
  return JSON.parse(ok(await wharf.run(['image', 'inspect', name])).stdout)[0];
}

async function history(wharf: Wharf, name: string): Promise<string[]> {
  return ok(await wharf.run(['history', '--no-trunc', '--format', '{{.CreatedBy}}', name])).stdout.trim().split('\n');
}

/** COPY's content hashes are our own (Docker's come from its tarsum): compare the rest. */
const withoutHashes = (lines: string[]) => lines.map((line) => line.replace(/(file|dir|multi):[0-9a-f]{64}/, '$1:HASH'));

describe('wharf build', () => {
  it('runs every kind of step: config as history, RUN and COPY as layers, and the image runs', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = appContext(t);
    const built = ok(await wharf.run(['build', '--build-arg', 'VERSION=2', '-t', 'app:1', dir]));
    assert.match(built.stderr, /#\d+ \[2\/12\] ARG VERSION=1\n/);
    assert.match(built.stderr, /naming to docker\.io\/library\/app:1 done/);
    assert.equal(ok(await wharf.run(['run', '--rm', 'app:1'])).stdout, '2\n');
    const files = ok(await wharf.run(['run', '--rm', 'app:1', 'sh', '-c', 'cat /app/a.txt /sub/b.txt; ls /etc/motd 2>&1; id -u; pwd'])).stdout;
    assert.equal(files, 'hello\nsub\nls: /etc/motd: No such file or directory\n65534\n/app\n');
    const image = await inspect(wharf, 'app:1');
    assert.deepEqual(image.Config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'B=two words']);
    assert.deepEqual([image.Config.User, image.Config.WorkingDir, image.Config.ExposedPorts, image.Config.Volumes], ['nobody', '/app', { '80/tcp': {} }, { '/data': {} }]);
    assert.equal(image.Config.Labels.team, 'core');
    const base = await inspect(wharf, 'busybox');
    assert.equal(image.RootFS.Layers.length, base.RootFS.Layers.length + 3, 'COPY, COPY and RUN add layers; the rest only history');
    const steps = withoutHashes(await history(wharf, 'app:1')).slice(0, 11);
    assert.deepEqual(steps, [
      '/bin/sh -c #(nop)  CMD ["sh" "-c" "cat /v"]',
      '/bin/sh -c #(nop)  VOLUME [/data]',
      '/bin/sh -c #(nop)  USER nobody',
      '/bin/sh -c #(nop)  EXPOSE 80',
      '|1 VERSION=2 /bin/sh -c echo $VERSION > /v && rm /etc/motd',
      '/bin/sh -c #(nop) COPY dir:HASH in /sub/ ',
      '/bin/sh -c #(nop) COPY file:HASH in . ',
      '/bin/sh -c #(nop) WORKDIR /app',
      '/bin/sh -c #(nop)  LABEL team=core',
      '/bin/sh -c #(nop)  ENV A=1 B=two words',
      '/bin/sh -c #(nop)  ARG VERSION=1',
    ]);
    assert.equal(image.Parent.startsWith('sha256:'), true, 'each step is an image on its parent');
    const snapshots = chainIdsOf(image.RootFS.Layers).map((chain) => join(wharf.root, 'snapshots', chain.replace('sha256:', '')));
    assert.deepEqual(readdirSync(snapshots.at(-1)!).sort(), ['etc', 'v'], 'the RUN container\'s upper dir became its layer\'s snapshot');
    assert.deepEqual(readdirSync(join(snapshots.at(-2)!, 'sub')), ['b.txt'], 'and the COPY workspace\'s');
    const intermediate = ok(await wharf.run(['images', '-a', '-q'])).stdout.trim().split('\n');
    assert.ok(intermediate.length >= 12, 'images -a lists the intermediate images');
    assert.equal(ok(await wharf.run(['ps', '-a', '-q'])).stdout, '', 'no build container is left');
  });

  it('reuses cached steps, and misses from the first step whose input changed', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = appContext(t);
    ok(await wharf.run(['build', '-t', 'app:1', dir]));
    const again = ok(await wharf.run(['build', '-t', 'app:2', dir]));
    assert.equal((again.stderr.match(/CACHED/g) ?? []).length, 11);
    assert.equal((await inspect(wharf, 'app:2')).Id, (await inspect(wharf, 'app:1')).Id);
    const drawn = ok(await wharf.run(['build', '--progress', 'tty', '-t', 'app:2', dir])).stderr;
    assert.match(drawn, /\x1b\[\d+A/, 'a terminal gets frames redrawn in place');
    assert.match(drawn, /\[\+\] Building \d+\.\ds \(14\/14\) FINISHED\n/);
    assert.match(drawn, / => CACHED \[12\/12\] CMD \["sh","-c","cat \/v"\] +\d+\.\ds\n/);
    writeFileSync(join(dir, 'sub', 'b.txt'), 'changed\n');
    const changed = ok(await wharf.run(['build', '-t', 'app:3', dir]));
    assert.equal((changed.stderr.match(/CACHED/g) ?? []).length, 5, 'ARG, ENV, LABEL, WORKDIR and the first COPY');
    assert.equal(ok(await wharf.run(['run', '--rm', 'app:3', 'cat', '/sub/b.txt'])).stdout, 'changed\n');
    const fresh = ok(await wharf.run(['build', '--no-cache', '-t', 'app:4', dir]));
    assert.doesNotMatch(fresh.stderr, /CACHED/);
    const other = ok(await wharf.run(['build', '--build-arg', 'VERSION=9', '-q', dir]));
    assert.match(other.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal(ok(await wharf.run(['run', '--rm', other.stdout.trim()])).stdout, '9\n', 'a changed build arg misses RUN');
  });

  it('reuses the steps of a --cache-from image that came without its build (saved and loaded elsewhere)', async (t) => {
    const builder = await busyboxWharf(t);
    const other = await busyboxWharf(t);
    if (!builder || !other) return;
    const dir = appContext(t);
    ok(await builder.run(['build', '-t', 'app:1', dir]));
    const archive = join(tempDir(t), 'app.tar');
    ok(await builder.run(['save', '-o', archive, 'app:1']));
    ok(await other.run(['load', '-i', archive]));
    const loadedId = (await inspect(other, 'app:1')).Id;
    const without = ok(await other.run(['build', '-t', 'plain:1', dir]));
    assert.doesNotMatch(without.stderr, /CACHED/, 'a loaded image has no build children to find');
    const fresh = await busyboxWharf(t);
    ok(await fresh!.run(['load', '-i', archive]));
    const reused = ok(await fresh!.run(['build', '--cache-from', 'app:1', '--cache-from', 'missing:1', '-t', 'again:1', dir]));
    assert.equal((reused.stderr.match(/CACHED/g) ?? []).length, 11);
    assert.match(reused.stderr, /WARNING: --cache-from missing:1: no such image in the store, not used/);
    assert.equal((await inspect(fresh!, 'again:1')).Id, loadedId, 'the last step is the cache image itself');
    writeFileSync(join(dir, 'sub', 'b.txt'), 'changed\n');
    const partly = ok(await fresh!.run(['build', '--cache-from', 'app:1', '-t', 'again:2', dir]));
    assert.equal((partly.stderr.match(/CACHED/g) ?? []).length, 5);
    assert.equal(ok(await fresh!.run(['run', '--rm', 'again:2', 'sh', '-c', 'cat /sub/b.txt /app/a.txt'])).stdout, 'changed\nhello\n');
  });

  it('builds only the stages the target needs, copies from stages and images, and keeps FROM scratch images small', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, {
      Dockerfile: `FROM busybox AS build
RUN mkdir /out && echo built > /out/result && chmod 600 /out/result
FROM busybox AS broken
RUN exit 3
FROM scratch AS runtime
COPY --from=build /out/result /result
COPY --from=busybox /bin/busybox /bin/sh
CMD ["/bin/sh", "-c", "cat /result"]
FROM runtime AS test
RUN echo never
`,
    });
    const built = ok(await wharf.run(['build', '--target', 'runtime', '--label', 'stage=runtime', '-t', 'small:1', dir]));
    assert.doesNotMatch(built.stderr, /exit 3|echo never/, 'stages the target does not need are skipped');
    assert.equal(ok(await wharf.run(['run', '--rm', 'small:1'])).stdout, 'built\n');
    const image = await inspect(wharf, 'small:1');
    assert.equal(image.RootFS.Layers.length, 2);
    assert.equal(image.Config.Labels.stage, 'runtime');
    assert.equal(ok(await wharf.run(['run', '--rm', 'small:1', '/bin/sh', '-c', 'stat -c %a /result'])).stdout, '600\n');
    const missing = await wharf.run(['build', '--target', 'nope', dir]);
    assert.deepEqual([missing.code, missing.stderr.trim().split('\n').at(-1)], [1, 'Error response from daemon: failed to reach build target nope in Dockerfile']);
  });

  it('honours .dockerignore, COPY --chown/--chmod, wildcards, ADD of a local archive, and stdin contexts', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, {
      Dockerfile: `FROM busybox
COPY --chown=nobody:nobody --chmod=640 *.txt /files/
COPY . /all/
ADD pack.tar.gz /unpacked/
ENV SRC=one.txt
COPY $SRC /env/
COPY --exclude=*.log --exclude=pack . /filtered/
COPY --parents pack/inside.txt /parents/
RUN echo "filtered: $(ls -A /filtered | sort | tr '\\n' ' ')"; cat /parents/pack/inside.txt
RUN cat /env/one.txt; ls -ln /files | awk 'NR>1 {print $1, $3, $4, $9}'; ls -A /all | sort | tr '\\n' ' '; echo; cat /unpacked/inside.txt
`,
      '.dockerignore': 'secret*\n*.log\n!keep.log\n',
      'one.txt': '1\n',
      'two.txt': '2\n',
      'secret.txt': 'no\n',
      'debug.log': 'no\n',
      'keep.log': 'yes\n',
      'pack/inside.txt': 'from the archive\n',
    });
    ok(await runCommand('tar', ['-czf', join(dir, 'pack.tar.gz'), '-C', join(dir, 'pack'), 'inside.txt']));
    const built = ok(await wharf.run(['build', '--progress', 'plain', '--no-cache', dir]));
    assert.match(built.stderr, /#\d+ \d+\.\d+ 1\n/, 'COPY $SRC expands ENV');
    assert.match(built.stderr, /-rw-r----- 65534 65534 one\.txt\n.*-rw-r----- 65534 65534 two\.txt\n/);
    assert.match(built.stderr, / \.dockerignore Dockerfile keep\.log one\.txt pack pack\.tar\.gz two\.txt \n/);
    assert.match(built.stderr, /from the archive\n/);
    assert.match(built.stderr, /filtered: \.dockerignore Dockerfile one\.txt pack\.tar\.gz two\.txt \n/, 'COPY --exclude');
    assert.equal((built.stderr.match(/from the archive\n/g) ?? []).length, 2, 'COPY --parents keeps pack/ under the destination');
    const fromStdin = ok(await wharf.run(['build', '-q', '-'], { input: 'FROM busybox\nRUN echo piped > /p\n' }));
    assert.equal(ok(await wharf.run(['run', '--rm', fromStdin.stdout.trim(), 'cat', '/p'])).stdout, 'piped\n');
    const tarContext = join(tempDir(t), 'context.tar');
    ok(await runCommand('tar', ['-cf', tarContext, '-C', dir, 'Dockerfile', 'one.txt', 'two.txt', 'keep.log', 'pack.tar.gz', 'pack', '.dockerignore']));
    const tarBuilt = ok(await wharf.run(['build', '-q', '-'], { input: readFileSync(tarContext) }));
    assert.match(tarBuilt.stdout, /^sha256:/);
  });

  it('builds from a URL (a tar.gz context or a bare Dockerfile) and from a Git repository at a tag and subdirectory', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, { Dockerfile: 'FROM busybox\nCOPY hello.txt /\nCMD ["cat", "/hello.txt"]\n', 'hello.txt': 'from a tarball\n' });
    const served = tempDir(t);
    ok(await runCommand('tar', ['-czf', join(served, 'context.tar.gz'), '-C', dir, '.']));
    writeFileSync(join(served, 'Dockerfile'), 'FROM busybox\nRUN echo bare > /bare\n');
    const repo = join(served, 'repo.git');
    const work = context(t, { 'app/Dockerfile': 'FROM busybox\nCOPY msg /msg\n', 'app/msg': 'tagged\n' });
    for (const args of [['init', '-q', '-b', 'main'], ['add', '.'], ['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one'], ['tag', 'v1'], ['clone', '-q', '--bare', work, repo]]) {
      ok(await runCommand('git', args, { cwd: args[0] === 'clone' ? served : work }));
    }
    ok(await runCommand('git', ['update-server-info'], { cwd: repo }));
    const server = createServer((request, response) => {
      const file = join(served, decodeURIComponent(request.url!.split('?')[0]));
      if (!existsSync(file) || !statSync(file).isFile()) return void response.writeHead(404).end();
      response.end(readFileSync(file));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ok(await wharf.run(['build', '-t', 'url:1', `${base}/context.tar.gz`]));
    assert.equal(ok(await wharf.run(['run', '--rm', 'url:1'])).stdout, 'from a tarball\n');
    ok(await wharf.run(['build', '-t', 'url:2', `${base}/Dockerfile`]));
    assert.equal(ok(await wharf.run(['run', '--rm', 'url:2', 'cat', '/bare'])).stdout, 'bare\n');
    ok(await wharf.run(['build', '-t', 'git:1', `${base}/repo.git#v1:app`]));
    assert.equal(ok(await wharf.run(['run', '--rm', 'git:1', 'cat', '/msg'])).stdout, 'tagged\n');
    const adds = context(t, { Dockerfile: `FROM busybox\nADD ${base}/repo.git#v1 /src/\nADD --keep-git-dir=true ${base}/repo.git /kept/\n` });
    ok(await wharf.run(['build', '-t', 'git:2', adds]));
    assert.equal(ok(await wharf.run(['run', '--rm', 'git:2', 'sh', '-c', 'cat /src/app/msg; ls -A /src; test -d /kept/.git && echo kept'])).stdout, 'tagged\napp\nkept\n');
    const missing = await wharf.run(['build', `${base}/nothing.tar`]);
    assert.deepEqual([missing.code, missing.stderr.trim()], [1, `unable to prepare context: unable to download remote context ${base}/nothing.tar: 404 Not Found`]);
  });

  it('warns, as BuildKit\'s checks do, of a variable no ENV or ARG declares, naming its line', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, { Dockerfile: 'ARG TAG=latest\nFROM busybox$NOT_AN_ARG\nARG DECLARED\nENV A=$MISSING B=$DECLARED C=$TAG\nRUN echo "$ALSO_UNSET"\n' });
    const built = ok(await wharf.run(['build', dir]));
    assert.match(built.stderr, /DONE \d+\.\ds\n\n 3 warnings found:\n - UndefinedArgInFrom: FROM argument 'NOT_AN_ARG' is not declared \(line 2\)\n - UndefinedVar: Usage of undefined variable '\$MISSING' \(line 4\)\n - UndefinedVar: Usage of undefined variable '\$TAG' \(line 4\)\n$/, 'a global ARG is not in scope in a stage that does not declare it');
  });

  it('refuses bad Dockerfiles and failing steps with Docker\'s one-line errors, and tags nothing', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const cases: Array<[string, RegExp]> = [
      ['FROM busybox\nRUNN echo\n', /^Error response from daemon: Dockerfile:2: unknown instruction: RUNN$/i],
      ['FROM busybox\nCOPY --nope a /\n', /^Error response from daemon: Dockerfile:2: unknown flag: --nope$/],
      ['FROM busybox\nRUN echo start; exit 7\n', /^The command '\/bin\/sh -c echo start; exit 7' returned a non-zero code: 7$/],
      ['FROM busybox\nCOPY missing.txt /\n', /file not found in build context or excluded by \.dockerignore: stat missing\.txt: file does not exist$/],
      ['FROM busybox\nCOPY ../outside /\n', /forbidden path outside the build context: \.\.\/outside/],
      // no registry can be reached here: Docker's classic builder prints the pull's error as it is, and so does wharf
      ['FROM nosuchimage:1\n', /^Error response from daemon: Get "https:\/\/registry-1\.docker\.io\/v2\/"/],
    ];
    for (const [dockerfile, error] of cases) {
      const dir = context(t, { Dockerfile: dockerfile });
      const result = await wharf.run(['build', '-t', 'bad:1', dir]);
      assert.equal(result.code, 1, dockerfile);
      assert.match(result.stderr.trim().split('\n').at(-1)!, error, dockerfile);
    }
    assert.equal((await wharf.run(['image', 'inspect', 'bad:1'])).code, 1, 'nothing tagged');
    assert.equal(ok(await wharf.run(['ps', '-a', '-q'])).stdout, '', 'the failed RUN left no container');
  });

  it('does seed 004 end to end: build FROM busybox and FROM scratch with a static binary, list, push to a registry, pull back and run', async (t) => {
    if (!existsSync('/bin/busybox')) return void t.skip('busybox-static is not installed');
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const registry = await startWharfRegistry(t);
    const first = context(t, { Dockerfile: 'FROM busybox\nCMD ["echo","hello docker"]\n' });
    ok(await wharf.run(['build', '-t', `${registry.host}/jishengqiu/firstimage`, first]));
    const sizes = ok(await wharf.run(['images', '--format', '{{.Repository}} {{.Size}}'])).stdout.trim().split('\n');
    const sizeOf = (repository: string) => sizes.find((line) => line.startsWith(`${repository} `))?.split(' ')[1];
    assert.equal(sizeOf(`${registry.host}/jishengqiu/firstimage`), sizeOf('busybox'), 'a config-only build is the size of its base');
    const tiny = context(t, { Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\nCMD ["echo","hello from scratch"]\n' });
    writeFileSync(join(tiny, 'busybox'), readFileSync('/bin/busybox'));
    chmodSync(join(tiny, 'busybox'), 0o755);
    ok(await wharf.run(['build', '-t', `${registry.host}/jishengqiu/scratch:1`, tiny]));
    for (const name of [`${registry.host}/jishengqiu/firstimage`, `${registry.host}/jishengqiu/scratch:1`]) {
      ok(await wharf.run(['push', name]));
      ok(await wharf.run(['rmi', name]));
      ok(await wharf.run(['pull', name]));
    }
    assert.equal(ok(await wharf.run(['run', '--rm', `${registry.host}/jishengqiu/firstimage`])).stdout, 'hello docker\n');
    assert.equal(ok(await wharf.run(['run', '--rm', `${registry.host}/jishengqiu/scratch:1`])).stdout, 'hello from scratch\n');
    assert.equal((await inspect(wharf, `${registry.host}/jishengqiu/scratch:1`)).RootFS.Layers.length, 1);
  });

  it('mounts caches, context binds, secrets and tmpfs into RUN, keeps them out of the layer, and misses the cache when a bind\'s content changes', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, {
      Dockerfile: `FROM busybox
RUN --mount=type=cache,target=/cache sh -c 'echo run >> /cache/log; echo "runs: $(wc -l < /cache/log)"'
RUN --mount=type=bind,source=data,target=/data cat /data/x.txt
RUN --mount=type=secret,id=token,required echo "secret bytes: $(wc -c < /run/secrets/token)"
RUN --mount=type=tmpfs,target=/scratch --network=none sh -c 'echo t > /scratch/t && ls /scratch'
`,
      'data/x.txt': 'from the context\n',
    });
    const secret = join(tempDir(t), 'token');
    writeFileSync(secret, 's3cr3t');
    const first = ok(await wharf.run(['build', '--secret', `id=token,src=${secret}`, '-t', 'mounts:1', dir]));
    assert.match(first.stderr, /runs: 1\n/);
    assert.match(first.stderr, /from the context\n/);
    assert.match(first.stderr, /secret bytes: 6\n/);
    const again = ok(await wharf.run(['build', '--no-cache', '--secret', `id=token,src=${secret}`, '-t', 'mounts:2', dir]));
    assert.match(again.stderr, /runs: 2\n/, 'the cache mount outlives the build');
    const left = ok(await wharf.run(['run', '--rm', 'mounts:2', 'sh', '-c', 'ls -d /cache /data /scratch /run/secrets 2>&1 | wc -l; ls /cache /data 2>/dev/null | wc -l'])).stdout;
    assert.equal(left, '4\n0\n', 'no mount target, stub or content is left in the image');
    const steps = (await history(wharf, 'mounts:2')).join('\n');
    assert.doesNotMatch(steps, /s3cr3t/);
    assert.match(steps, /--mount=type=cache,target=\/cache \/bin\/sh -c/);
    writeFileSync(join(dir, 'data', 'x.txt'), 'changed\n');
    const changed = ok(await wharf.run(['build', '--secret', `id=token,src=${secret}`, '-t', 'mounts:3', dir]));
    assert.match(changed.stderr, /changed\n/, 'a changed bind source reruns the step');
    const missing = await wharf.run(['build', dir]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr.trim().split('\n').at(-1)!, /secret token not found/);
    const pruned = ok(await wharf.run(['builder', 'prune', '-f']));
    assert.match(pruned.stdout, /^Deleted build cache objects:\n[0-9a-f]{32}\n\nTotal reclaimed space: 8B\n$/, 'the cache mount held "run\\nrun\\n"');
    const after = ok(await wharf.run(['build', '--no-cache', '--secret', `id=token,src=${secret}`, dir]));
    assert.match(after.stderr, /runs: 1\n/, 'a pruned cache starts empty');
  });

  it('survives a kill -9 mid-build: nothing tagged, the next build works, and a dead build\'s workspace is swept', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, { Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\nRUN sleep 120\n', 'a.txt': 'a\n' });
    const stale = join(wharf.root, 'build', '2147483646-deadbeef', 'upper');
    mkdirSync(stale, { recursive: true });
    const child = spawn(WHARF_BIN, ['build', '-t', 'killed:1', dir], { env: { ...process.env, WHARF_ROOT: wharf.root }, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await eventually(async () => (said.includes('RUN sleep 120') ? true : undefined), 'the RUN step starting');
    child.kill('SIGKILL');
    await once(child, 'close');
    assert.ok(!existsSync(join(stale, '..')), 'the dead build\'s workspace is gone');
    assert.equal((await wharf.run(['image', 'inspect', 'killed:1'])).code, 1);
    ok(await wharf.run(['container', 'prune', '-f']));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt\n');
    ok(await wharf.run(['build', '-t', 'after:1', dir]));
    assert.equal(ok(await wharf.run(['run', '--rm', 'after:1', 'cat', '/a.txt'])).stdout, 'a\n');
  });

  it('stops on Ctrl+C during RUN: the step\'s container is killed and removed, nothing tagged, exit 130', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, { Dockerfile: 'FROM busybox\nRUN echo started; sleep 300\n' });
    const child = spawn(WHARF_BIN, ['build', '--progress', 'plain', '-t', 'interrupted:1', dir], { env: { ...process.env, WHARF_ROOT: wharf.root }, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await eventually(async () => (/#\d+ \d+\.\d+ started\n/.test(said) ? true : undefined), 'the RUN step printing');
    child.kill('SIGINT');
    const [code] = await once(child, 'close');
    assert.equal(code, 130);
    assert.match(said.trim().split('\n').at(-1)!, /^build cancelled$/);
    assert.equal(ok(await wharf.run(['ps', '-a', '-q'])).stdout, '', 'the step\'s container is gone');
    assert.equal((await wharf.run(['image', 'inspect', 'interrupted:1'])).code, 1);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(wharf.root), 'nothing of the build is still mounted');
  });

  it('writes -o type=docker and type=tar outputs, and --iidfile', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const dir = context(t, { Dockerfile: 'FROM busybox\nRUN echo x > /x\n' });
    const out = tempDir(t);
    ok(await wharf.run(['build', '--iidfile', join(out, 'id'), '-o', `type=tar,dest=${join(out, 'root.tar')}`, dir]));
    const listing = ok(await runCommand('tar', ['-tf', join(out, 'root.tar')])).stdout.split('\n');
    assert.ok(listing.includes('x') && listing.includes('bin/busybox'));
    assert.match(readFileSync(join(out, 'id'), 'utf8'), /^sha256:[0-9a-f]{64}$/);
    ok(await wharf.run(['build', '-t', 'exported:1', '-o', `type=docker,dest=${join(out, 'image.tar')}`, dir]));
    const other = await busyboxWharf(t);
    ok(await other!.run(['load', '-i', join(out, 'image.tar')]));
    assert.equal(ok(await other!.run(['run', '--rm', 'exported:1', 'cat', '/x'])).stdout, 'x\n');
  });

  it('gives the config, history and files real Docker\'s classic builder gives for the same Dockerfile', async (t) => {
    const pair = await busyboxPair(t);
    if (!pair) return;
    const { wharf, docker } = pair;
    const dir = appContext(t);
    chmodSync(join(dir, 'a.txt'), 0o600);
    ok(await wharf.run(['build', '--build-arg', 'VERSION=2', '-t', 'app:1', dir]));
    ok(await docker.docker(['build', '--network', 'none', '--build-arg', 'VERSION=2', '-t', 'app:1', dir], { env: { DOCKER_BUILDKIT: '0' } }));
    const fields = '{{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Config.Env}} {{.Config.WorkingDir}} {{.Config.User}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}} {{json .Config.Labels}} {{len .RootFS.Layers}}';
    const ours = ok(await wharf.run(['image', 'inspect', '-f', fields, 'app:1'])).stdout;
    const theirs = ok(await docker.docker(['image', 'inspect', '-f', fields, 'app:1'])).stdout;
    assert.equal(ours, theirs);
    const dockerHistory = ok(await docker.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'app:1'])).stdout.trim().split('\n');
    assert.deepEqual(withoutHashes(await history(wharf, 'app:1')), withoutHashes(dockerHistory));
    const listing = 'find / -xdev \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o -newer /bin/busybox -print -exec stat -c "%n %a %u:%g %s" {} \\; | grep -v "^/\\.dockerenv\\|^/etc/\\(hosts\\|hostname\\|resolv.conf\\)" | sort';
    const ourFiles = ok(await wharf.run(['run', '--rm', '--network', 'none', '-u', '0', 'app:1', 'sh', '-c', listing])).stdout;
    const theirFiles = ok(await docker.docker(['run', '--rm', '--network', 'none', '-u', '0', 'app:1', 'sh', '-c', listing])).stdout;
    assert.equal(ourFiles, theirFiles);
  });
});
