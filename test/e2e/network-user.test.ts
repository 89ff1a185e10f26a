// User-defined bridge networks: `network create/rm/prune/ls/inspect`, `run --network NAME` on the network's own bridge,
// containers resolving each other by name through /etc/hosts, isolation from the default bridge, and the same through
// the Engine API with the docker CLI.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { busyboxApi } from '../helpers/engine-api.ts';
import { sweepHost } from '../../src/runtime/network/cleanup.ts';
import { canRunNetworkTests, hostState } from '../helpers/network-fixtures.ts';
import type { Wharf } from '../helpers/wharf-cli.ts';

const skip = canRunNetworkTests();

/** The command a client container runs: fetch the server's /etc/hostname by the name given, by HTTP. */
function fetchBy(name: string): string[] {
  // (not -T: it makes the static glibc busybox's wget crash)
  return ['wget', '-q', '-O-', `http://${name}/hostname`];
}

/** httpd serving /etc, so /hostname is the container's hostname; waits until it answers through the runtime's exec. */
async function startServer(wharf: Wharf, args: string[]): Promise<string> {
  const started = ok(await wharf.run(['run', '-d', ...args, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']));
  const id = started.stdout.trim();
  await eventually(async () => ((await wharf.run(['exec', id, 'wget', '-q', '-O-', 'http://127.0.0.1/hostname'])).code === 0 ? true : undefined), 'httpd answering');
  return id;
}

describe('user-defined bridge networks', { skip, concurrency: false }, () => {
  it('lets containers on one network reach each other by name and short ID; the default bridge neither resolves nor reaches them', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const created = ok(await wharf.run(['network', 'create', '--label', 'team=web', 'appnet']));
    assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
    const networkId = created.stdout.trim();
    // after hooks run in order: the wharf's own cleanup (registered first) removes the root, so what a failing test
    // leaves is removed in the test, before that; a bridge left even so is the sweep's, as any removed root's is
    t.after(() => sweepHost());
    try {
      const duplicate = await wharf.run(['network', 'create', 'appnet']);
      assert.deepEqual([duplicate.code, duplicate.stderr], [1, 'Error response from daemon: network with name appnet already exists\n']);

      const listed = ok(await wharf.run(['network', 'ls', '--filter', 'type=custom', '--format', '{{.ID}} {{.Name}} {{.Driver}}'])).stdout;
      assert.equal(listed, `${networkId.slice(0, 12)} appnet bridge\n`);
      assert.equal(ok(await wharf.run(['network', 'ls', '--filter', 'type=builtin', '--format', '{{.Name}}'])).stdout, 'bridge\nhost\nnone\n');

      const serverId = await startServer(wharf, ['--name', 'web', '--hostname', 'webhost', '--network', 'appnet']);
      const [inspected] = JSON.parse(ok(await wharf.run(['network', 'inspect', 'appnet'])).stdout);
      assert.equal(inspected.Id, networkId);
      assert.deepEqual(inspected.Labels, { team: 'web' });
      const subnet: string = inspected.IPAM.Config[0].Subnet;
      const bridgeSubnet: string = JSON.parse(ok(await wharf.run(['network', 'inspect', 'bridge'])).stdout)[0].IPAM.Config[0].Subnet;
      assert.notEqual(subnet, bridgeSubnet, 'a subnet of its own');
      assert.deepEqual(Object.keys(inspected.Containers), [serverId]);
      assert.equal(inspected.Containers[serverId].Name, 'web');
      const serverAddress: string = inspected.Containers[serverId].IPv4Address.split('/')[0];
      const ownBridge = `br-${networkId.slice(0, 12)}`;
      assert.match((await hostState()).links, new RegExp(`: vw${serverId.slice(0, 12)}@[^:]+:[^\\n]* master ${ownBridge} `), "the container's veth is on the network's own bridge");

      // by name and by short ID, from a container started after the server
      assert.equal(ok(await wharf.run(['run', '--rm', '--network', 'appnet', 'busybox', ...fetchBy('web')])).stdout, 'webhost\n');
      assert.equal(ok(await wharf.run(['run', '--rm', '--network', 'appnet', 'busybox', ...fetchBy(serverId.slice(0, 12))])).stdout, 'webhost\n');

      // one started later is added to the running server's /etc/hosts (rewritten in place: it is bind-mounted)
      const lateId = ok(await wharf.run(['run', '-d', '--name', 'late', '--network', 'appnet', 'busybox', 'sleep', '60'])).stdout.trim();
      const serverHosts = ok(await wharf.run(['exec', 'web', 'cat', '/etc/hosts'])).stdout;
      assert.match(serverHosts, new RegExp(`\\tlate ${lateId.slice(0, 12)}\\n`));
      assert.match(serverHosts, new RegExp(`^${serverAddress.replaceAll('.', '\\.')}\\twebhost$`, 'm'));
      ok(await wharf.run(['rm', '-f', 'late']));
      assert.doesNotMatch(ok(await wharf.run(['exec', 'web', 'cat', '/etc/hosts'])).stdout, /\tlate /, 'a removed container leaves the others\' hosts files');

      // the default bridge: no name, and no route through to the other bridge
      const unresolved = await wharf.run(['run', '--rm', 'busybox', ...fetchBy('web')]);
      assert.notEqual(unresolved.code, 0);
      assert.match(unresolved.stderr, /bad address 'web'/);
      const isolated = await wharf.run(['run', '--rm', 'busybox', 'sh', '-c', `timeout 3 wget -q -O- http://${serverAddress}/hostname; exit $?`]);
      // a timeout (dropped), not a refusal: nothing answers from the other bridge (timeout's own signal, under sh as PID 1)
      assert.deepEqual([isolated.code, isolated.stdout], [143, ''], isolated.stderr);

      // rm refused while a container uses it, done after; its bridge and rules go with it
      const refused = await wharf.run(['network', 'rm', 'appnet']);
      assert.deepEqual([refused.code, refused.stderr], [1, `Error response from daemon: error while removing network: network appnet id ${networkId} has active endpoints\n`]);
      const refusedBuiltin = await wharf.run(['network', 'rm', 'bridge']);
      assert.deepEqual([refusedBuiltin.code, refusedBuiltin.stderr], [1, 'Error response from daemon: bridge is a pre-defined network and cannot be removed\n']);
      ok(await wharf.run(['rm', '-f', 'web']));
      assert.equal(ok(await wharf.run(['network', 'rm', 'appnet'])).stdout, 'appnet\n');
      const state = await hostState();
      assert.doesNotMatch(state.links, new RegExp(`: ${ownBridge}[:@]`), 'bridge left behind');
      assert.doesNotMatch(state.rules, new RegExp(`wharf-bridge:${ownBridge}@`), 'rules left behind');
      assert.equal(ok(await wharf.run(['network', 'ls', '--filter', 'type=custom', '-q'])).stdout, '');
    } finally {
      await wharf.run(['rm', '-f', 'web', 'late']);
      await wharf.run(['network', 'rm', '-f', 'appnet']);
    }
  });

  it('fails a run on a network that does not exist at its start, as dockerd does: an --rm container goes, another stays created', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const removed = await wharf.run(['run', '--rm', '--network', 'nope', 'busybox', 'true']);
    assert.deepEqual([removed.code, removed.stderr], [125, "wharf: Error response from daemon: network nope not found\n\nRun 'wharf run --help' for more information\n"]);
    assert.equal(ok(await wharf.run(['ps', '-a', '-q'])).stdout, '', 'the --rm container is gone');
    assert.equal((await wharf.run(['run', '--network', 'nope', '--name', 'kept', 'busybox', 'true'])).code, 125);
    assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).stdout, 'kept Created\n');
  });

  it('takes a given subnet, and prunes only networks no container uses', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    t.after(() => sweepHost());
    try {
      ok(await wharf.run(['network', 'create', '--subnet', '10.251.7.0/24', 'kept']));
      ok(await wharf.run(['network', 'create', 'unused']));
      const overlap = await wharf.run(['network', 'create', '--subnet', '10.251.0.0/16', 'clash']);
      assert.deepEqual([overlap.code, overlap.stderr], [1, 'Error response from daemon: invalid pool request: Pool overlaps with other one on this address space\n']);
      ok(await wharf.run(['run', '-d', '--name', 'holder', '--network', 'kept', 'busybox', 'sleep', '60']));
      // the legacy top-level address is the default bridge's only, as dockerd gives it
      assert.equal(ok(await wharf.run(['inspect', '-f', '{{.NetworkSettings.Networks.kept.IPAddress}} [{{.NetworkSettings.IPAddress}}]', 'holder'])).stdout, '10.251.7.2 []\n');
      assert.equal(ok(await wharf.run(['network', 'prune', '-f'])).stdout, 'Deleted Networks:\nunused\n\n');
      assert.equal(ok(await wharf.run(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}}'])).stdout, 'kept\n');
    } finally {
      await wharf.run(['rm', '-f', 'holder']);
      await wharf.run(['network', 'rm', '-f', 'kept', 'unused']);
    }
  });
  it('network connect/disconnect of a created container: its networks and aliases, resolved by the others once it starts; a running one on it already refused', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    t.after(() => sweepHost());
    try {
      ok(await wharf.run(['network', 'create', 'aliasnet']));
      const id = ok(await wharf.run(['create', '--name', 'srv', '--hostname', 'srvhost', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'])).stdout.trim();
      // on the default bridge: a second network is recorded beside it, and goes with a disconnect
      assert.equal(ok(await wharf.run(['network', 'connect', 'aliasnet', 'srv'])).stdout, '');
      assert.equal(ok(await wharf.run(['ps', '-a', '--format', '{{.Networks}}'])).stdout, 'bridge,aliasnet\n');
      assert.equal(ok(await wharf.run(['network', 'disconnect', 'aliasnet', 'srv'])).stdout, '');
      const notOn = await wharf.run(['network', 'disconnect', 'aliasnet', 'srv']);
      assert.deepEqual([notOn.code, notOn.stderr], [1, `Error response from daemon: container ${id} is not connected to the network aliasnet\n`]);
      const noNetwork = await wharf.run(['network', 'disconnect', 'nosuchnet', 'srv']);
      assert.deepEqual([noNetwork.code, noNetwork.stderr], [1, 'Error response from daemon: network nosuchnet not found\n']);
      const noContainer = await wharf.run(['network', 'connect', 'aliasnet', 'nosuchbox']);
      assert.deepEqual([noContainer.code, noContainer.stderr], [1, 'Error response from daemon: No such container: nosuchbox\n']);

      // compose's sequence: off its network (left on none), then onto one with aliases
      assert.equal(ok(await wharf.run(['network', 'disconnect', 'bridge', 'srv'])).stdout, '');
      assert.equal(ok(await wharf.run(['inspect', '-f', '{{.HostConfig.NetworkMode}}', 'srv'])).stdout, 'none\n');
      assert.equal(ok(await wharf.run(['network', 'connect', '--alias', 'websvc', '--alias', 'www', 'aliasnet', 'srv'])).stdout, '');
      assert.equal(ok(await wharf.run(['inspect', '-f', '{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks.aliasnet.Aliases}}', 'srv'])).stdout, 'aliasnet ["websvc","www"]\n');
      const onBridge = await wharf.run(['network', 'connect', '--alias', 'x', 'bridge', 'srv']);
      assert.deepEqual([onBridge.code, onBridge.stderr], [1, 'Error response from daemon: network-scoped alias is supported only for containers in user defined networks\n']);

      ok(await wharf.run(['start', 'srv']));
      await eventually(async () => ((await wharf.run(['exec', 'srv', 'wget', '-q', '-O-', 'http://127.0.0.1/hostname'])).code === 0 ? true : undefined), 'httpd answering');
      assert.equal(ok(await wharf.run(['run', '--rm', '--network', 'aliasnet', 'busybox', ...fetchBy('websvc')])).stdout, 'srvhost\n');
      assert.equal(ok(await wharf.run(['run', '--rm', '--network', 'aliasnet', 'busybox', ...fetchBy('www')])).stdout, 'srvhost\n');

      // running and on it already: dockerd's refusal, nothing changed
      const running = await wharf.run(['network', 'connect', 'aliasnet', 'srv']);
      assert.deepEqual([running.code, running.stderr], [1, 'Error response from daemon: endpoint with name srv already exists in network aliasnet\n']);
      assert.equal(ok(await wharf.run(['inspect', '-f', '{{.HostConfig.NetworkMode}}', 'srv'])).stdout, 'aliasnet\n');
    } finally {
      await wharf.run(['rm', '-f', 'srv']);
      await wharf.run(['network', 'rm', '-f', 'aliasnet']);
    }
  });
});

describe('user-defined networks through wharf serve (docker CLI)', { skip, concurrency: false }, () => {
  it('docker network create, docker run --network, name resolution, docker network rm', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    t.after(() => sweepHost());
    try {
      const id = ok(await api.docker(['network', 'create', 'apinet'])).stdout;
      assert.match(id, /^[0-9a-f]{64}\n$/);
      assert.equal(ok(await wharf.run(['network', 'inspect', '-f', '{{.Id}}', 'apinet'])).stdout, id);
      ok(await api.docker(['run', '-d', '--name', 'apiweb', '--hostname', 'apihost', '--network', 'apinet', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']));
      const fetched = await eventually(async () => {
        const result = await api.docker(['run', '--rm', '--network', 'apinet', 'busybox', ...fetchBy('apiweb')]);
        return result.code === 0 ? result.stdout : undefined;
      }, 'apiweb answering by name');
      assert.equal(fetched, 'apihost\n');
      assert.equal(ok(await api.docker(['inspect', '-f', '{{.HostConfig.NetworkMode}}', 'apiweb'])).stdout, 'apinet\n');
      const refused = await api.docker(['network', 'rm', 'apinet']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`^Error response from daemon: error while removing network: network apinet id ${id.trim()} has active endpoints\\n`));
      ok(await api.docker(['rm', '-f', 'apiweb']));
      assert.equal(ok(await api.docker(['network', 'rm', 'apinet'])).stdout, 'apinet\n');
      const gone = await api.docker(['network', 'inspect', 'apinet']);
      assert.notEqual(gone.code, 0);
    } finally {
      await wharf.run(['rm', '-f', 'apiweb']);
      await wharf.run(['network', 'rm', '-f', 'apinet']);
    }
  });

  it('POST /networks/{id}/connect and /disconnect: aliases at create and at connect, 404s, a running container on it already refused with 403', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    t.after(() => sweepHost());
    const post = (path: string, body: unknown) => api.http('POST', path, { 'Content-Type': 'application/json' }, JSON.stringify(body));
    try {
      ok(await api.docker(['network', 'create', 'apialias']));
      // Aliases at create, as compose sends them
      const created = await post('/v1.41/containers/create?name=apisrv', {
        Image: 'busybox', Hostname: 'apisrvhost', Cmd: ['httpd', '-f', '-p', '80', '-h', '/etc'],
        HostConfig: { NetworkMode: 'apialias' }, NetworkingConfig: { EndpointsConfig: { apialias: { Aliases: ['first'] } } },
      });
      assert.equal(created.status, 201, created.body);
      const id: string = JSON.parse(created.body).Id;
      assert.equal(ok(await api.docker(['inspect', '-f', '{{json .NetworkSettings.Networks.apialias.Aliases}}', 'apisrv'])).stdout, '["first"]\n');

      assert.equal((await post('/v1.41/networks/nosuchnet/disconnect', { Container: id })).status, 404);
      assert.equal((await post('/v1.41/networks/apialias/connect', { Container: 'nosuchbox' })).status, 404);
      const notOn = await post('/v1.41/networks/bridge/disconnect', { Container: id });
      assert.deepEqual([notOn.status, JSON.parse(notOn.body).message], [500, `container ${id} is not connected to the network bridge`]);

      assert.equal((await post('/v1.41/networks/apialias/disconnect', { Container: id })).status, 200);
      assert.equal((await post('/v1.41/networks/apialias/connect', { Container: id, EndpointConfig: { Aliases: ['svc', id.slice(0, 12)] } })).status, 200);
      assert.equal(ok(await api.docker(['inspect', '-f', '{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks.apialias.Aliases}}', 'apisrv'])).stdout, `apialias ["svc","${id.slice(0, 12)}"]\n`);
      // the docker CLI's own command too
      assert.equal(ok(await api.docker(['network', 'connect', '--alias', 'svc2', 'apialias', 'apisrv'])).stdout, '');

      ok(await api.docker(['start', 'apisrv']));
      const fetched = await eventually(async () => {
        const result = await api.docker(['run', '--rm', '--network', 'apialias', 'busybox', ...fetchBy('svc2')]);
        return result.code === 0 ? result.stdout : undefined;
      }, 'apisrv answering by its alias');
      assert.equal(fetched, 'apisrvhost\n');

      const running = await post('/v1.41/networks/apialias/connect', { Container: id });
      assert.deepEqual([running.status, JSON.parse(running.body).message], [403, 'endpoint with name apisrv already exists in network apialias']);
    } finally {
      await wharf.run(['rm', '-f', 'apisrv']);
      await wharf.run(['network', 'rm', '-f', 'apialias']);
    }
  });
});
