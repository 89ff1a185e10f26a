// `wharf serve`: the real docker CLI against wharf's Engine API, over the same store as wharf's own CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failsWithOneLine, lines, load, ok, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxApi, startEngineApi } from '../helpers/engine-api.ts';
import { busyboxFixture } from '../helpers/image-builder.ts';
import { eventually } from '../helpers/busybox-wharf.ts';
import { needPeers, startDistribution } from '../helpers/peers.ts';
import { freePort } from '../helpers/registry-server.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';
import type { TestContext } from 'node:test';

/** docker 28 prints the daemon's message for a 404; docker 20.10 (Debian's) its own. */
const NO_SUCH_CONTAINER = /^(Error response from daemon|Error): No such container: nope$/;

async function servedBusybox(t: TestContext) {
  if (!needPeers(t, 'docker')) return undefined;
  const wharf = makeWharf(t);
  const archive = await writeArchive(join(tempDir(t), 'busybox.tar'), 'classic', [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  await load(wharf, archive);
  return { wharf, api: await startEngineApi(t, wharf), archive };
}

describe('wharf serve (Engine API)', () => {
  it('answers the docker CLI\'s version negotiation and its version and info', async (t) => {
    const served = await servedBusybox(t);
    if (!served) return;
    const { api } = served;
    const version = ok(await api.docker(['version', '--format', '{{.Server.Platform.Name}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}'])).stdout;
    assert.equal(version, 'wharf 1.47 1.24 linux\n');
    assert.equal(ok(await api.docker(['info', '--format', '{{.Images}} {{.Containers}} {{.Driver}} {{.OSType}}'])).stdout, '1 0 overlay2 linux\n');
    const ping = await api.http('GET', '/_ping');
    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'OK');
    assert.equal(ping.headers['api-version'], '1.47');
  });

  it('lists, inspects and shows the history of images as wharf\'s own CLI does', async (t) => {
    const served = await servedBusybox(t);
    if (!served) return;
    const { api, wharf } = served;
    assert.equal(ok(await api.docker(['images'])).stdout, ok(await wharf.run(['images'])).stdout);
    assert.equal(ok(await api.docker(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout, ok(await wharf.run(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout);
    const fields = '{{.Id}} {{json .RepoTags}} {{.Size}} {{json .Config.Cmd}} {{json .RootFS.Layers}}';
    assert.equal(ok(await api.docker(['image', 'inspect', '-f', fields, 'busybox'])).stdout, ok(await wharf.run(['image', 'inspect', '-f', fields, 'busybox'])).stdout);
    assert.equal(ok(await api.docker(['history', '--no-trunc', 'busybox'])).stdout, ok(await wharf.run(['history', '--no-trunc', 'busybox'])).stdout);
    assert.equal(ok(await api.docker(['images', '--filter', 'dangling=true', '-q'])).stdout, '');
  });

  it('tags and removes with Docker\'s messages and errors, seen at once by wharf\'s CLI', async (t) => {
    const served = await servedBusybox(t);
    if (!served) return;
    const { api, wharf } = served;
    ok(await api.docker(['tag', 'busybox', 'registry.example:5000/team/bb:v1']));
    assert.deepEqual(lines(ok(await wharf.run(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout).sort(), ['busybox:latest', 'registry.example:5000/team/bb:v1']);
    assert.equal(ok(await api.docker(['rmi', 'registry.example:5000/team/bb:v1'])).stdout, 'Untagged: registry.example:5000/team/bb:v1\n');
    // docker 28 prints the daemon's message; docker 20.10 (Debian's) prints its own for any 404 of an rmi
    assert.match(failsWithOneLine(await api.docker(['rmi', 'nope'])), /^(Error response from daemon: No such image: nope:latest|Error: No such image: nope)$/);
    ok(await wharf.run(['tag', 'busybox', 'second:1']));
    const conflict = failsWithOneLine(await api.docker(['rmi', ok(await wharf.run(['images', '-q', 'busybox'])).stdout.trim()]));
    assert.match(conflict, /^Error response from daemon: conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories$/);
    const removed = lines(ok(await api.docker(['rmi', '-f', 'second:1', 'busybox'])).stdout);
    assert.deepEqual(removed.slice(0, 2), ['Untagged: second:1', 'Untagged: busybox:latest']);
    assert.ok(removed.some((line) => line.startsWith('Deleted: sha256:')), removed.join('\n'));
    assert.equal(ok(await wharf.run(['images', '-q'])).stdout, '');
  });

  it('saves and loads archives through the API that wharf and Docker read alike', async (t) => {
    const served = await servedBusybox(t);
    if (!served) return;
    const { api, wharf } = served;
    const id = ok(await wharf.run(['images', '-q', '--no-trunc', 'busybox'])).stdout.trim();
    const saved = join(tempDir(t), 'saved.tar');
    ok(await api.docker(['save', '-o', saved, 'busybox']));
    ok(await api.docker(['rmi', 'busybox']));
    assert.equal(ok(await api.docker(['load', '-i', saved])).stdout, 'Loaded image: busybox:latest\n');
    assert.equal(ok(await wharf.run(['images', '-q', '--no-trunc', 'busybox'])).stdout.trim(), id);
    const other = makeWharf(t);
    assert.equal(await load(other, saved), 'Loaded image: busybox:latest\n');
    assert.match(failsWithOneLine(await api.docker(['load'], { input: 'not a tar archive at all' })), /^Error response from daemon: .*(tar|archive)/);
    assert.equal(ok(await wharf.run(['system', 'check'])).code, 0);
  });

  it('pushes to and pulls from a registry with Docker\'s progress, digests and errors', async (t) => {
    const served = await servedBusybox(t);
    if (!served) return;
    const registry = await startDistribution(t);
    if (!registry) return;
    const { api } = served;
    const name = `${registry.host}/team/bb:v1`;
    ok(await api.docker(['tag', 'busybox', name]));
    const pushed = ok(await api.docker(['push', name])).stdout;
    assert.match(pushed, /^The push refers to repository \[.*team\/bb\]\n/);
    const digest = /^v1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(pushed)?.[1];
    assert.ok(digest, pushed);
    // as from dockerd: the stream has begun, so the error is its last message, printed bare
    const missing = await api.docker(['push', `${registry.host}/team/none:v1`]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, `The push refers to repository [${registry.host}/team/none]\n`);
    assert.equal(missing.stderr, `An image does not exist locally with the tag: ${registry.host}/team/none\n`);
    const puller = makeWharf(t);
    const pullerApi = await startEngineApi(t, puller);
    const pulled = ok(await pullerApi.docker(['pull', name])).stdout;
    assert.match(pulled, /^v1: Pulling from team\/bb\n/);
    assert.match(pulled, /Pull complete\n/);
    assert.match(pulled, new RegExp(`Digest: ${digest}\\nStatus: Downloaded newer image for ${name}\\n${name}\\n$`));
    assert.equal(ok(await puller.run(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, `${name}\n`);
    assert.match(failsWithOneLine(await pullerApi.docker(['pull', `${registry.host}/team/nope:v1`])), /^Error response from daemon: manifest for .*team\/nope:v1 not found/);
  });

  it('logs in through the API, then pushes and pulls with the client\'s credentials (X-Registry-Auth), never printing them', async (t) => {
    const served = await servedBusybox(t);
    if (!served) return;
    const password = 'not-for-printing-42';
    const registry = await startDistribution(t, { htpasswd: { alice: password } });
    if (!registry) return;
    const { api } = served;
    const name = `${registry.host}/team/private:v1`;
    ok(await api.docker(['tag', 'busybox', name]));
    const anonymous = await api.docker(['push', name]);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /no basic auth credentials/);
    const wrong = await api.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'wrong' });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Error response from daemon: login attempt to http:\/\/.*\/v2\/ failed with status: 401 Unauthorized/);
    assert.match(ok(await api.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: password })).stdout, /Login Succeeded/);
    const pushed = ok(await api.docker(['push', name]));
    assert.match(pushed.stdout, /^v1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    ok(await api.docker(['rmi', name]));
    assert.match(ok(await api.docker(['pull', name])).stdout, /Status: Downloaded newer image for /);
    for (const result of [anonymous, wrong, pushed]) assert.ok(!`${result.stdout}${result.stderr}`.includes(password));
    assert.equal((await api.http('POST', '/v1.47/images/create?fromImage=x&tag=1', { 'X-Registry-Auth': 'not base64 json' })).status, 400);
  });

  it('refuses what it does not serve in Docker\'s words: newer API versions, unknown paths, bad filters', async (t) => {
    const served = await servedBusybox(t);
    if (!served) return;
    const { api } = served;
    const tooNew = await api.http('GET', '/v1.99/version');
    assert.equal(tooNew.status, 400);
    assert.deepEqual(JSON.parse(tooNew.body), { message: 'client version 1.99 is too new. Maximum supported API version is 1.47' });
    assert.equal((await api.http('GET', '/v1.47/nothing/here')).status, 404);
    assert.equal((await api.http('PUT', '/v1.47/images/json')).status, 405);
    const badFilter = await api.http('GET', '/v1.47/images/json?filters=%7Bbad');
    assert.equal(badFilter.status, 400);
    assert.match(JSON.parse(badFilter.body).message, /invalid filter/);
    assert.equal((await api.http('GET', '/v1.47/images/nope/json')).status, 404);
  });
});

describe('wharf serve (Engine API): containers', () => {
  it('runs a detached container for the docker CLI: ps, a published port, logs by stream, stop, wait, rm', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const port = await freePort();
    const script = 'echo started; echo oops >&2; exec httpd -f -p 80 -h /etc';
    const id = ok(await api.docker(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', 'sh', '-c', script])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(ok(await api.docker(['ps', '--format', '{{.ID}} {{.Names}} {{.Ports}} {{.State}}'])).stdout, `${id.slice(0, 12)} web 0.0.0.0:${port}->80/tcp running\n`);
    assert.equal(ok(await wharf.run(['ps', '-q', '--no-trunc'])).stdout, `${id}\n`, "wharf's own CLI sees the same container");
    const page = await eventually(async () => (await fetch(`http://127.0.0.1:${port}/hostname`)).text(), 'the published port answers');
    assert.equal(page, `${id.slice(0, 12)}\n`);
    const logs = await eventually(async () => {
      const result = ok(await api.docker(['logs', 'web']));
      return result.stderr ? result : undefined;
    }, 'both lines in the log');
    assert.deepEqual([logs.stdout, logs.stderr], ['started\n', 'oops\n']);
    const conflict = failsWithOneLine(await api.docker(['rm', 'web']));
    assert.match(conflict, /^Error response from daemon: You cannot remove a running container [0-9a-f]{64}\. Stop the container before attempting removal or force remove$/);
    assert.equal(ok(await api.docker(['stop', '-t', '1', 'web'])).stdout, 'web\n');
    assert.equal(ok(await api.docker(['wait', 'web'])).stdout, '137\n');
    assert.equal(ok(await api.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'web'])).stdout, 'exited 137\n');
    assert.equal(ok(await api.docker(['rm', 'web'])).stdout, 'web\n');
    assert.equal(ok(await api.docker(['ps', '-a', '-q'])).stdout, '');
  });

  it("gives Docker's exit codes and errors for a command that exits non-zero or cannot be found", async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { api } = served;
    ok(await api.docker(['run', '-d', '--name', 'three', 'busybox', 'sh', '-c', 'exit 3']));
    assert.equal(ok(await api.docker(['wait', 'three'])).stdout, '3\n');
    const missing = await api.docker(['run', '-d', '--name', 'missing', 'busybox', 'no-such-command']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no-such-command.*(not found|no such file)/);
    assert.match(failsWithOneLine(await api.docker(['logs', 'nope'])), NO_SUCH_CONTAINER);
  });

  it('runs an attached --rm container for `docker run` (-i too): its stdout and stderr apart, its stdin, its exit code, and no container left', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const attached = await api.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual(attached, { code: 3, stdout: 'out\n', stderr: 'err\n' });
    assert.deepEqual(await api.docker(['run', '--name', 'kept', 'busybox', 'echo', 'kept']), { code: 0, stdout: 'kept\n', stderr: '' });
    // stdin over the hijacked attach; the client's end of file closes the container's (StdinOnce)
    assert.deepEqual(await api.docker(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'cat; echo done; exit 2'], { input: 'hello\n' }), { code: 2, stdout: 'hello\ndone\n', stderr: '' });
    assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'kept\n');
  });

  it('runs `docker exec` in a running container: output apart, stdin, exit codes, env, workdir and user, -d, and Docker\'s errors', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    ok(await api.docker(['run', '-d', '--name', 'box', 'busybox', 'sleep', '300']));
    assert.deepEqual(await api.docker(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3']), { code: 3, stdout: 'out\n', stderr: 'err\n' });
    // stdin over the hijacked connection, to its end of file
    assert.deepEqual(await api.docker(['exec', '-i', 'box', 'sh', '-c', 'cat; echo done'], { input: 'hello\n' }), { code: 0, stdout: 'hello\ndone\n', stderr: '' });
    assert.equal(ok(await api.docker(['exec', '-e', 'A=1', '-w', '/tmp', '-u', 'nobody', 'box', 'sh', '-c', 'echo $A $(pwd) $(id -u)'])).stdout, '1 /tmp 65534\n');
    const missing = await api.docker(['exec', 'box', 'nope']);
    assert.equal(missing.code, 127);
    assert.match(missing.stdout + missing.stderr, /^OCI runtime exec failed: exec failed: .*exec: "nope": executable file not found in \$PATH: unknown\r?\n$/);
    ok(await api.docker(['exec', '-d', 'box', 'touch', '/tmp/detached']));
    await eventually(async () => (await api.docker(['exec', 'box', 'test', '-e', '/tmp/detached'])).code === 0 || undefined, 'the detached exec ran');
    assert.equal(ok(await wharf.run(['exec', 'box', 'cat', '/tmp/detached'])).stdout, '', "wharf's own exec sees the same container");
    assert.match(failsWithOneLine(await api.docker(['exec', 'nope', 'true'])), NO_SUCH_CONTAINER);
    ok(await api.docker(['stop', '-t', '0', 'box']));
    assert.match(failsWithOneLine(await api.docker(['exec', 'box', 'true'])), /^Error response from daemon: Container [0-9a-f]{64} is not running$/);
    // the hijacked start is checked for its API version as every other request
    const tooNew = await api.http('POST', '/v1.99/exec/x/start', { Connection: 'Upgrade', Upgrade: 'tcp' });
    assert.equal(tooNew.status, 400);
  });

  it('runs `docker exec -t` and `docker run -t` with a terminal: its size from the client\'s, TERM, typed input, the exit code', async (t) => {
    const served = await busyboxApi(t);
    if (!served || !needPeers(t, 'script')) return;
    const { api } = served;
    // script(1) lends the docker CLI a terminal (30 rows, 100 columns) and types into it
    const inTerminal = (command: string, input: string) => {
      try {
        return { code: 0, output: execFileSync('script', ['-qec', `stty rows 30 cols 100; ${command}`, '/dev/null'], { env: { ...process.env, DOCKER_HOST: `unix://${api.socket}` }, encoding: 'utf8', input }) };
      } catch (error) {
        return { code: (error as { status: number }).status, output: (error as { stdout: string }).stdout };
      }
    };
    ok(await api.docker(['run', '-d', '--name', 'box', 'busybox', 'sleep', '300']));
    // clients of API 1.42 and later send the size with the request; older ones (docker 20.10) resize once it has started
    const sendsSize = Number(ok(await api.docker(['version', '--format', '{{.Client.APIVersion}}'])).stdout.split('.')[1]) >= 42;
    const size = sendsSize ? '30 100' : '(?:30 100|24 80)';
    const exec = inTerminal(`docker exec -it box sh -c 'tty; stty size; echo $TERM; read line; echo got $line; exit 5'`, 'typed\n');
    assert.equal(exec.code, 5);
    // the terminal echoes what was typed whenever it arrives
    assert.match(exec.output.replace(/^typed\r\n/gm, ''), new RegExp(`/dev/pts/\\d+\r\n${size}\r\nxterm\r\ngot typed\r\n`));
    const run = inTerminal(`docker run -it --rm busybox sh -c 'tty; stty size; exit 4'`, '');
    assert.equal(run.code, 4);
    assert.match(run.output, new RegExp(`/dev/pts/\\d+\r\n${size}\r\n`));
    const created = JSON.parse((await api.http('POST', '/v1.47/containers/box/exec', { 'Content-Type': 'application/json' }, JSON.stringify({ Tty: true, Cmd: ['true'] }))).body) as { Id: string };
    assert.equal((await api.http('POST', `/v1.47/exec/${created.Id}/resize?h=x&w=80`)).status, 400);
  });

  it('answers `docker system df` (and -v) with what wharf\'s own `system df` prints', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    ok(await api.docker(['run', '-d', '--name', 'writer', '-v', 'data:/data', 'busybox', 'sh', '-c', 'head -c 300000 /dev/zero > /big; echo v > /data/v; sleep 300']));
    ok(await api.docker(['run', '--name', 'stopped', 'busybox', 'true']));
    await eventually(async () => (await api.docker(['exec', 'writer', 'test', '-e', '/data/v'])).code === 0 || undefined, 'the writer wrote');
    assert.equal(ok(await api.docker(['system', 'df'])).stdout, ok(await wharf.run(['system', 'df'])).stdout);
    // the sections without ages in seconds, which could differ between the two calls; docker 20.10's client, unlike
    // later ones and wharf, prints an image's size there with four digits (1.984MB)
    const client = ok(await api.docker(['version', '--format', '{{.Client.Version}}'])).stdout;
    const comparable = (section: string) => !/second/.test(section) && !(client.startsWith('20.') && section.startsWith('REPOSITORY'));
    const timeless = (output: string) => output.split('\n\n').filter(comparable).join('\n\n');
    const verbose = ok(await api.docker(['system', 'df', '-v'])).stdout;
    assert.match(verbose, /Local Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\ndata +1 +2B\n/);
    assert.equal(timeless(verbose), timeless(ok(await wharf.run(['system', 'df', '-v'])).stdout));
  });

  it('commits a container for `docker commit`: its changes, author, message and --change, and Docker\'s error for a missing one', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    ok(await api.docker(['run', '-d', '--name', 'maker', 'busybox', 'sh', '-c', 'echo made > /made; sleep 300']));
    await eventually(async () => (await api.docker(['exec', 'maker', 'test', '-e', '/made'])).code === 0 || undefined, 'the file was made');
    const id = ok(await api.docker(['commit', '-a', 'me', '-m', 'from the API', '-c', 'CMD ["cat", "/made"]', '-c', 'ENV X=1', 'maker', 'team/made:v1'])).stdout.trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(await wharf.run(['images', '--no-trunc', '-q', 'team/made:v1'])).stdout, `${id}\n`);
    assert.deepEqual(await api.docker(['run', '--rm', 'team/made:v1']), { code: 0, stdout: 'made\n', stderr: '' });
    // moby's merge: the change's Env first, then the container's
    assert.equal(ok(await api.docker(['inspect', '-f', '{{.Author}}|{{.Comment}}|{{json .Config.Cmd}}|{{index .Config.Env 0}}', 'team/made:v1'])).stdout, 'me|from the API|["cat","/made"]|X=1\n');
    assert.match(failsWithOneLine(await api.docker(['commit', 'nope', 'x:1'])), NO_SUCH_CONTAINER);
  });

  it('copies with `docker cp` both ways: directories, renames, symlinks kept or followed, a tar on stdout, and Docker\'s errors', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const script = 'mkdir -p /d/sub; echo one > /d/one; echo two > /d/sub/two; ln -s /d/one /link; touch /ready; sleep 300';
    ok(await api.docker(['run', '-d', '--name', 'files', 'busybox', 'sh', '-c', script]));
    await eventually(async () => (await api.docker(['exec', 'files', 'test', '-e', '/ready'])).code === 0 || undefined, 'the files were made');
    const host = tempDir(t, 'wharf-api-cp-');
    ok(await api.docker(['cp', 'files:/d', `${host}/`]));
    assert.equal(readFileSync(join(host, 'd/sub/two'), 'utf8'), 'two\n');
    ok(await api.docker(['cp', 'files:/d/one', join(host, 'renamed')]));
    assert.equal(readFileSync(join(host, 'renamed'), 'utf8'), 'one\n');
    ok(await api.docker(['cp', 'files:/link', join(host, 'kept')]));
    assert.equal(readlinkSync(join(host, 'kept')), '/d/one');
    ok(await api.docker(['cp', '-L', 'files:/link', join(host, 'followed')]));
    assert.equal(readFileSync(join(host, 'followed'), 'utf8'), 'one\n');
    writeFileSync(join(host, 'h.txt'), 'host\n');
    ok(await api.docker(['cp', join(host, 'h.txt'), 'files:/d/']));
    ok(await api.docker(['cp', join(host, 'h.txt'), 'files:/d/new-name']));
    assert.equal(ok(await wharf.run(['exec', 'files', 'cat', '/d/h.txt', '/d/new-name'])).stdout, 'host\nhost\n');
    const tar = await api.docker(['cp', 'files:/d/sub', '-']);
    assert.equal(tar.code, 0);
    assert.match(tar.stdout, /^sub\/?\0/);
    assert.ok(tar.stdout.includes('sub/two\0') && tar.stdout.includes('two\n'));
    // docker 20.10's client words the 404 of its stat (HEAD) itself
    const notFound = (path: string) => new RegExp(`^(Error response from daemon: Could not find the file ${path} in container files|Error: No such container:path: files:${path})$`);
    assert.match(failsWithOneLine(await api.docker(['cp', 'files:/nope', `${host}/`])), notFound('/nope'));
    assert.match(failsWithOneLine(await api.docker(['cp', join(host, 'h.txt'), 'files:/nodir/x'])), notFound('/nodir'));
  });

  it('ends an exec\'s stdin when its client goes away, so a process reading it ends', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    ok(await api.docker(['run', '-d', '--name', 'reader', 'busybox', 'sleep', '300']));
    const created = await api.http('POST', '/v1.47/containers/reader/exec', { 'Content-Type': 'application/json' }, JSON.stringify({ AttachStdin: true, AttachStdout: true, Cmd: ['cat'] }));
    const { Id: id } = JSON.parse(created.body) as { Id: string };
    const socket = connect(api.socket);
    const body = '{"Detach":false}';
    socket.write(`POST /v1.47/exec/${id}/start HTTP/1.1\r\nHost: wharf\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.destroy();
    const ended = await eventually(async () => {
      const state = JSON.parse((await api.http('GET', `/v1.47/exec/${id}/json`)).body) as { Running: boolean; ExitCode: number | null };
      return state.Running ? undefined : state;
    }, 'the exec ended');
    assert.equal(ended.ExitCode, 0);
  });
});
