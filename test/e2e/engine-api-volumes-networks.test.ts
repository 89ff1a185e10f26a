// `wharf serve`: the real docker CLI's volume and network commands against wharf's Engine API, over the same store as wharf's own CLI.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failsWithOneLine, ok } from '../helpers/cli-fixtures.ts';
import { busyboxApi, type EngineApi } from '../helpers/engine-api.ts';
import type { RunResult } from '../helpers/run-command.ts';

/** docker 28 prints the daemon's message for a 404; docker 20.10 (Debian's) its own. */
const NO_SUCH_VOLUME = /^(Error response from daemon: get nope: no such volume|Error: No such volume: nope)$/;
const NO_SUCH_NETWORK = /^(Error response from daemon: network nope not found|Error: No such network: nope)$/;

/** Debian's docker 20.10 speaks API 1.41: its prune takes every unused volume, and it words some 404s itself. */
async function isDocker20(api: EngineApi): Promise<boolean> {
  return ok(await api.docker(['version', '--format', '{{.Client.Version}}'])).stdout.startsWith('20.');
}

/** The docker CLI's inspect of a missing object: what it found (nothing) on stdout, then the one-line error it returns. */
function inspectFails(result: RunResult): string {
  assert.equal(result.stdout, '[]\n');
  return failsWithOneLine({ ...result, stdout: '' });
}

/** `docker network rm`'s failure: its error line, and from docker 28 an `exit status 1` line after it. */
function networkRmFails(result: RunResult): string {
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^[^\n]+\n(exit status 1\n)?$/);
  return result.stderr.split('\n')[0];
}

async function pruneAnswer(api: EngineApi, version: string, filters = ''): Promise<unknown> {
  const answer = await api.http('POST', `/v${version}/volumes/prune${filters && `?filters=${encodeURIComponent(filters)}`}`);
  assert.equal(answer.status, 200, answer.body);
  return JSON.parse(answer.body);
}

describe('wharf serve (Engine API): volumes', () => {
  it('creates, lists, inspects and removes volumes for the docker CLI, one that `docker run -v` uses, as wharf\'s CLI sees them', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    assert.equal(ok(await api.docker(['volume', 'create', '--label', 'tier=db', 'data'])).stdout, 'data\n');
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, 'data\n', "wharf's own CLI sees the new volume");
    assert.equal(ok(await api.docker(['volume', 'ls'])).stdout, ok(await wharf.run(['volume', 'ls'])).stdout);
    assert.equal(ok(await api.docker(['volume', 'ls', '-q', '--filter', 'label=tier=db'])).stdout, 'data\n');
    assert.equal(ok(await api.docker(['volume', 'ls', '-q', '--filter', 'name=other'])).stdout, '');
    const fields = '{{.Name}} {{.Driver}} {{.Scope}} {{json .Labels}} {{.Mountpoint}}';
    const mountpoint = join(wharf.root, 'volumes/data/_data');
    assert.equal(ok(await api.docker(['volume', 'inspect', '-f', fields, 'data'])).stdout, `data local local {"tier":"db"} ${mountpoint}\n`);
    assert.equal(ok(await api.docker(['run', '--name', 'writer', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).stdout, '');
    assert.equal(readFileSync(join(mountpoint, 'f'), 'utf8'), 'kept\n');
    assert.equal(ok(await api.docker(['run', '--rm', '-v', 'data:/data', 'busybox', 'cat', '/data/f'])).stdout, 'kept\n');
    const writer = ok(await api.docker(['inspect', '-f', '{{.Id}}', 'writer'])).stdout.trim();
    assert.equal(failsWithOneLine(await api.docker(['volume', 'rm', 'data'])), `Error response from daemon: remove data: volume is in use - [${writer}]`);
    ok(await api.docker(['rm', 'writer']));
    assert.equal(ok(await api.docker(['volume', 'rm', 'data'])).stdout, 'data\n');
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, '');
  });

  it("refuses a missing volume and a bad name with Docker's errors", async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { api } = served;
    assert.match(inspectFails(await api.docker(['volume', 'inspect', 'nope'])), NO_SUCH_VOLUME);
    assert.match(failsWithOneLine(await api.docker(['volume', 'rm', 'nope'])), NO_SUCH_VOLUME);
    assert.equal(ok(await api.docker(['volume', 'rm', '-f', 'nope'])).stdout, 'nope\n');
    assert.match(failsWithOneLine(await api.docker(['volume', 'create', 'a b'])), /^Error response from daemon: create a b: "a b" includes invalid characters for a local volume name/);
    assert.equal(failsWithOneLine(await api.docker(['volume', 'ls', '--filter', 'bogus=1'])), "Error response from daemon: Invalid filter 'bogus'");
  });

  it('prunes unused volumes for `docker volume prune`: anonymous ones only since API 1.42, every one before', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    const anonymous = ok(await api.docker(['volume', 'create'])).stdout.trim();
    assert.match(anonymous, /^[0-9a-f]{64}$/);
    ok(await api.docker(['volume', 'create', 'named']));
    ok(await api.docker(['run', '--name', 'filler', '-v', `${anonymous}:/data`, 'busybox', 'sh', '-c', 'head -c 2000 /dev/zero > /data/f']));
    ok(await api.docker(['rm', 'filler']));
    ok(await api.docker(['run', '--name', 'user', '-v', 'used:/data', 'busybox', 'true']));
    const pruned = (await isDocker20(api)) ? [anonymous, 'named'] : [anonymous];
    assert.equal(ok(await api.docker(['volume', 'prune', '-f'])).stdout, `Deleted Volumes:\n${pruned.join('\n')}\n\nTotal reclaimed space: 2kB\n`);
    const left = ['named', 'used'].filter((name) => !pruned.includes(name));
    assert.equal(ok(await wharf.run(['volume', 'ls', '-q'])).stdout, `${left.join('\n')}\n`);
  });

  it('answers a raw prune by its API version and `all` filter, and never takes a volume in use', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { api } = served;
    const created = await api.http('POST', '/v1.47/volumes/create', { 'Content-Type': 'application/json' }, '{}');
    assert.equal(created.status, 201);
    const anonymous = JSON.parse(created.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(anonymous), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    ok(await api.docker(['volume', 'create', 'first']));
    ok(await api.docker(['volume', 'create', 'second']));
    ok(await api.docker(['run', '--name', 'user', '-v', 'used:/data', 'busybox', 'true']));
    assert.deepEqual(await pruneAnswer(api, '1.47'), { VolumesDeleted: [anonymous.Name], SpaceReclaimed: 0 });
    assert.deepEqual(await pruneAnswer(api, '1.47', '{"all":{"true":true},"name":{"first":true}}'), { VolumesDeleted: ['first'], SpaceReclaimed: 0 });
    assert.deepEqual(await pruneAnswer(api, '1.41'), { VolumesDeleted: ['second'], SpaceReclaimed: 0 });
    const inspected = await api.http('GET', '/v1.47/volumes/used');
    assert.equal(inspected.status, 200);
    assert.equal(JSON.parse(inspected.body).Name, 'used');
    const badAll = await api.http('POST', `/v1.47/volumes/prune?filters=${encodeURIComponent('{"all":{"maybe":true}}')}`);
    assert.deepEqual([badAll.status, JSON.parse(badAll.body)], [400, { message: "invalid filter 'all=maybe'" }]);
  });
});

describe('wharf serve (Engine API): networks', () => {
  it("lists and inspects the built-in networks as wharf's own CLI does, with a running container on the bridge", async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    assert.equal(ok(await api.docker(['network', 'ls'])).stdout, ok(await wharf.run(['network', 'ls'])).stdout);
    assert.deepEqual(ok(await api.docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}'])).stdout.split('\n'), ['bridge bridge local', 'host host local', 'none null local', '']);
    const either = ['network', 'ls', '-q', '--no-trunc', '--filter', 'name=bri', '--filter', 'name=hos'];
    const ids = ok(await api.docker(either)).stdout;
    assert.equal(ids.split('\n').length, 3, 'two networks: values of one filter are alternatives');
    assert.equal(ids, ok(await wharf.run(either)).stdout);
    ok(await api.docker(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '300']));
    const fields = '{{.Name}} {{.Id}} {{.Driver}} {{.Scope}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}';
    const inspected = ok(await api.docker(['network', 'inspect', '-f', fields, 'bridge'])).stdout;
    assert.match(inspected, /^bridge [0-9a-f]{64} bridge local [\d.]+\/\d+ [\d.]+ sleeper [\d.]+\/\d+\n$/);
    assert.equal(inspected, ok(await wharf.run(['network', 'inspect', '-f', fields, 'bridge'])).stdout);
    const listed = JSON.parse((await api.http('GET', `/v1.47/networks?filters=${encodeURIComponent('{"name":{"bridge":true}}')}`)).body) as Array<Record<string, unknown>>;
    assert.deepEqual(listed.map((network) => [network.Name, network.Containers]), [['bridge', {}]], 'a listed network shows no containers, as since API 1.28');
  });

  it("refuses to create or remove built-in networks with dockerd's one-line errors, refuses a duplicate name, and prunes only unused user networks", async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    assert.match(inspectFails(await api.docker(['network', 'inspect', 'nope'])), NO_SUCH_NETWORK);
    assert.equal(networkRmFails(await api.docker(['network', 'rm', 'bridge'])), 'Error response from daemon: bridge is a pre-defined network and cannot be removed');
    assert.match(networkRmFails(await api.docker(['network', 'rm', 'nope'])), NO_SUCH_NETWORK);
    assert.equal(failsWithOneLine(await api.docker(['network', 'create', 'host'])), 'Error response from daemon: operation is not permitted on predefined host network');
    const id = ok(await api.docker(['network', 'create', 'mine'])).stdout;
    assert.match(id, /^[0-9a-f]{64}\n$/);
    assert.equal(failsWithOneLine(await api.docker(['network', 'create', 'mine'])), 'Error response from daemon: network with name mine already exists');
    assert.equal(ok(await wharf.run(['network', 'ls', '-q', '--no-trunc', '--filter', 'type=custom'])).stdout, id);
    assert.equal(ok(await api.docker(['network', 'prune', '-f'])).stdout, 'Deleted Networks:\nmine\n\n');
    assert.equal(ok(await api.docker(['network', 'prune', '-f'])).stdout, '', 'nothing left to prune');
    assert.equal(ok(await wharf.run(['network', 'ls', '-q'])).stdout.split('\n').length, 4, 'the three built-in networks are still there');
  });
});
