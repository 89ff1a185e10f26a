// A container on several networks: connect and disconnect while it runs (an ethN, an address, names both ways), two
// networks at run through the docker CLI against `wharf serve`, a compose service on two networks, dockerd's errors,
// and nothing left of any of its veths after stop and rm.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attachNetwork, cleanupStaleNetworks, connectLive } from '../../src/runtime/network/attach.ts';
import { sweepHost } from '../../src/runtime/network/cleanup.ts';
import { userBridge, userNetwork } from '../../src/runtime/network/networks.ts';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxApi } from '../helpers/engine-api.ts';
import { canRunNetworkTests, hostState, networkLab } from '../helpers/network-fixtures.ts';
import { needPeers } from '../helpers/peers.ts';
import { runCommand } from '../helpers/run-command.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import type { Wharf } from '../helpers/wharf-cli.ts';

const skip = canRunNetworkTests();

/** httpd serving /etc (so /hostname is the container's hostname), answering before this returns. */
async function startServer(wharf: Wharf, args: string[]): Promise<string> {
  const id = ok(await wharf.run(['run', '-d', ...args, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'])).stdout.trim();
  await eventually(async () => ((await wharf.run(['exec', id, 'wget', '-q', '-O-', 'http://127.0.0.1/hostname'])).code === 0 ? true : undefined), 'httpd answering');
  return id;
}

/** The container's interfaces and their IPv4 addresses, `eth0 172.24.0.2/16` a line. */
async function addresses(wharf: Wharf, container: string): Promise<string[]> {
  const listed = ok(await wharf.run(['exec', container, 'ip', '-o', '-4', 'addr'])).stdout;
  return listed.split('\n').filter((line) => / eth\d+ /.test(line)).map((line) => line.split(/\s+/).filter(Boolean).slice(1, 4).filter((_, index) => index !== 1).join(' '));
}

/** The host's links that are veths of this container (`vw<12 hex>…`). */
async function vethsOf(id: string): Promise<string[]> {
  return [...(await hostState()).links.matchAll(new RegExp(`: (vw${id.slice(0, 12)}\\w*)@`, 'g'))].map((match) => match[1]);
}

function subnetOf(wharf: Wharf, network: string): Promise<string> {
  return wharf.run(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', network]).then((result) => ok(result).stdout.trim());
}

/** Whether the address is in the /16 or /24 subnet (the pools wharf gives networks). */
function inSubnet(address: string, subnet: string): boolean {
  const [base, prefix] = subnet.split('/');
  const octets = Number(prefix) / 8;
  return address.split('.').slice(0, octets).join('.') === base.split('.').slice(0, octets).join('.');
}

describe('a container on several networks', { skip, concurrency: false }, () => {
  it('connects a running container to a second network (eth1, its peers by name and alias both ways) and disconnects it; errors as dockerd; no veth left', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    t.after(() => sweepHost());
    ok(await wharf.run(['network', 'create', 'front']));
    ok(await wharf.run(['network', 'create', 'back']));
    const backSubnet = await subnetOf(wharf, 'back');
    await startServer(wharf, ['--name', 'db', '--hostname', 'dbhost', '--network', 'back']);
    const appId = await startServer(wharf, ['--name', 'app', '--hostname', 'apphost', '--network', 'front']);
    assert.deepEqual((await addresses(wharf, 'app')).map((line) => line.split(' ')[0]), ['eth0']);
    assert.notEqual((await wharf.run(['exec', 'app', 'wget', '-q', '-O-', 'http://db/hostname'])).code, 0, 'not on back yet');

    ok(await wharf.run(['network', 'connect', '--alias', 'api', 'back', 'app']));
    const [eth0, eth1] = await addresses(wharf, 'app');
    assert.match(eth0, /^eth0 /);
    assert.match(eth1, /^eth1 /);
    const appBackAddress = eth1.split(' ')[1].split('/')[0];
    assert.ok(inSubnet(appBackAddress, backSubnet), `${eth1} in ${backSubnet}`);
    assert.match(ok(await wharf.run(['exec', 'app', 'ip', 'route'])).stdout, /^default via \S+ dev eth0 /m, 'the default route stays on the primary network');
    assert.equal(ok(await wharf.run(['exec', 'app', 'wget', '-q', '-O-', 'http://db/hostname'])).stdout, 'dbhost\n');
    // and the peers see it, by name and by its alias there
    assert.equal(ok(await wharf.run(['exec', 'db', 'wget', '-q', '-O-', 'http://app/hostname'])).stdout, 'apphost\n');
    assert.equal(ok(await wharf.run(['exec', 'db', 'wget', '-q', '-O-', 'http://api/hostname'])).stdout, 'apphost\n');

    const networks = JSON.parse(ok(await wharf.run(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'app'])).stdout);
    assert.deepEqual(Object.keys(networks), ['front', 'back']);
    const backId = ok(await wharf.run(['network', 'inspect', '-f', '{{.Id}}', 'back'])).stdout.trim();
    assert.equal(networks.back.IPAddress, appBackAddress);
    assert.equal(networks.back.NetworkID, backId);
    assert.deepEqual(networks.back.Aliases, ['api']);
    assert.match(networks.back.EndpointID, /^[0-9a-f]{64}$/);
    assert.match(networks.back.MacAddress, /^02:42:/);
    assert.notEqual(networks.back.Gateway, '');
    assert.ok(inSubnet(networks.front.IPAddress, await subnetOf(wharf, 'front')));
    const backMembers = JSON.parse(ok(await wharf.run(['network', 'inspect', '-f', '{{json .Containers}}', 'back'])).stdout);
    assert.equal(backMembers[appId].Name, 'app');
    assert.equal(backMembers[appId].EndpointID, networks.back.EndpointID);
    assert.equal(ok(await wharf.run(['ps', '--filter', 'network=back', '--format', '{{.Names}}'])).stdout, 'app\ndb\n');
    assert.equal(ok(await wharf.run(['ps', '--filter', 'network=front', '--format', '{{.Names}} {{.Networks}}'])).stdout, 'app front,back\n');

    const daemonError = async (args: string[]) => {
      const result = await wharf.run(args);
      return [result.code, result.stderr];
    };
    assert.deepEqual(await daemonError(['network', 'connect', 'back', 'app']), [1, 'Error response from daemon: endpoint with name app already exists in network back\n']);
    assert.deepEqual(await daemonError(['network', 'rm', 'back']), [1, `Error response from daemon: error while removing network: network back id ${backId} has active endpoints\n`]);
    assert.deepEqual(await daemonError(['network', 'connect', 'host', 'app']), [1, 'Error response from daemon: container cannot be disconnected from host network or connected to host network\n']);
    assert.deepEqual(await daemonError(['network', 'connect', 'none', 'app']), [1, 'Error response from daemon: container cannot be connected to multiple networks with one of the networks in private (none) mode\n']);
    assert.deepEqual(await daemonError(['network', 'disconnect', 'bridge', 'app']), [1, `Error response from daemon: container ${appId} is not connected to network bridge\n`]);
    ok(await wharf.run(['run', '-d', '--name', 'onhost', '--network', 'host', 'busybox', 'sleep', '60']));
    assert.deepEqual(await daemonError(['network', 'connect', 'front', 'onhost']), [1, 'Error response from daemon: container sharing network namespace with another container or host cannot be connected to any other network\n']);
    ok(await wharf.run(['rm', '-f', 'onhost']));
    const stoppedId = ok(await wharf.run(['create', '--name', 'idle', '--network', 'front', 'busybox', 'true'])).stdout.trim();
    assert.deepEqual(await daemonError(['network', 'disconnect', 'back', 'idle']), [1, `Error response from daemon: container ${stoppedId} is not connected to the network back\n`]);

    ok(await wharf.run(['network', 'disconnect', 'back', 'app']));
    assert.deepEqual((await addresses(wharf, 'app')).map((line) => line.split(' ')[0]), ['eth0']);
    assert.notEqual((await wharf.run(['exec', 'app', 'wget', '-q', '-O-', 'http://db/hostname'])).code, 0, 'db is no longer a name for app');
    assert.doesNotMatch(ok(await wharf.run(['exec', 'db', 'cat', '/etc/hosts'])).stdout, /\tapp /, 'nor app for db');
    assert.deepEqual(Object.keys(JSON.parse(ok(await wharf.run(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'app'])).stdout)), ['front']);
    assert.deepEqual(await daemonError(['network', 'disconnect', 'back', 'app']), [1, `Error response from daemon: container ${appId} is not connected to network back\n`]);

    // connected to two more (a stopped container's record, then its start), every veth goes with stop, then rm
    ok(await wharf.run(['network', 'connect', 'back', 'app']));
    ok(await wharf.run(['network', 'connect', 'bridge', 'app']));
    assert.equal((await vethsOf(appId)).length, 3);
    ok(await wharf.run(['stop', '-t', '0', 'app']));
    assert.deepEqual(await vethsOf(appId), []);
    ok(await wharf.run(['start', 'app']));
    assert.deepEqual((await addresses(wharf, 'app')).map((line) => line.split(' ')[0]), ['eth0', 'eth1', 'eth2']);
    assert.equal((await vethsOf(appId)).length, 3);
    ok(await wharf.run(['rm', '-f', 'app', 'db', 'idle']));
    assert.deepEqual(await vethsOf(appId), []);
    ok(await wharf.run(['network', 'rm', 'front', 'back']));
  });

  it('docker run --network a --network b, and docker network connect/disconnect of a running container, through wharf serve', async (t) => {
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    t.after(() => sweepHost());
    ok(await api.docker(['network', 'create', 'left']));
    ok(await api.docker(['network', 'create', 'right']));
    const leftSubnet = await subnetOf(wharf, 'left');
    const rightSubnet = await subnetOf(wharf, 'right');
    const both = ok(await api.docker(['run', '--rm', '--network', 'left', '--network', 'right', 'busybox', 'ip', '-o', '-4', 'addr'])).stdout;
    const devices = [...both.matchAll(/ (eth\d+) +inet (\S+)\//g)].map((match) => [match[1], match[2]]);
    assert.deepEqual(devices.map(([device]) => device), ['eth0', 'eth1'], both);
    assert.ok(devices.some(([, address]) => inSubnet(address, leftSubnet)) && devices.some(([, address]) => inSubnet(address, rightSubnet)), both);

    // before API 1.44 dockerd takes one network at create
    const older = await api.http('POST', '/v1.43/containers/create', { 'Content-Type': 'application/json' }, JSON.stringify({
      Image: 'busybox', HostConfig: { NetworkMode: 'left' }, NetworkingConfig: { EndpointsConfig: { left: {}, right: {} } },
    }));
    assert.deepEqual([older.status, JSON.parse(older.body).message], [400, 'Container cannot be connected to network endpoints: left, right']);

    await startServer(wharf, ['--name', 'rightweb', '--hostname', 'rwhost', '--network', 'right']);
    const id = ok(await api.docker(['run', '-d', '--name', 'roamer', '--network', 'left', 'busybox', 'sleep', '60'])).stdout.trim();
    ok(await api.docker(['network', 'connect', '--alias', 'wanderer', 'right', 'roamer']));
    assert.equal(ok(await api.docker(['exec', 'roamer', 'wget', '-q', '-O-', 'http://rightweb/hostname'])).stdout, 'rwhost\n');
    assert.match(ok(await api.docker(['exec', 'rightweb', 'cat', '/etc/hosts'])).stdout, new RegExp(`\\troamer ${id.slice(0, 12)} wanderer\\n`));
    assert.equal(ok(await api.docker(['inspect', '-f', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}', 'roamer'])).stdout, 'left right \n');
    const twice = await api.docker(['network', 'connect', 'right', 'roamer']);
    assert.deepEqual([twice.code, twice.stderr], [1, 'Error response from daemon: endpoint with name roamer already exists in network right\n']);
    ok(await api.docker(['network', 'disconnect', 'right', 'roamer']));
    assert.doesNotMatch(ok(await api.docker(['exec', 'roamer', 'ip', '-o', 'link'])).stdout, /eth1/);
    const again = await api.docker(['network', 'disconnect', 'right', 'roamer']);
    assert.deepEqual([again.code, again.stderr], [1, `Error response from daemon: container ${id} is not connected to network right\n`]);
    ok(await api.docker(['rm', '-f', 'roamer', 'rightweb']));
    assert.deepEqual(await vethsOf(id), []);
    ok(await api.docker(['network', 'rm', 'left', 'right']));
  });

  it('docker-compose: a service on two networks reaches both sides; one on a single network reaches only its side', async (t) => {
    if (!needPeers(t, 'docker-compose')) return;
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    t.after(() => sweepHost());
    const project = 'wharfmulti';
    const dir = join(tempDir(t, 'wharf-compose-'), project);
    mkdirSync(dir);
    writeFileSync(join(dir, 'docker-compose.yml'), `version: "3"
services:
  db:
    image: busybox
    command: httpd -f -p 80 -h /etc
    hostname: dbhost
    networks: [backend]
  api:
    image: busybox
    command: httpd -f -p 80 -h /etc
    hostname: apihost
    networks: [frontend, backend]
  ui:
    image: busybox
    command: sleep 300
    networks: [frontend]
networks:
  frontend: {}
  backend: {}
`);
    const env = { ...process.env, DOCKER_HOST: `unix://${api.socket}`, DOCKER_CONFIG: tempDir(t, 'wharf-compose-config-') };
    const compose = (args: string[]) => runCommand('docker-compose', ['-p', project, ...args], { env, cwd: dir });
    try {
      const up = await compose(['up', '-d']);
      assert.equal(up.code, 0, up.stderr);
      const fetch = (from: string, name: string) => wharf.run(['exec', `${project}_${from}_1`, 'wget', '-q', '-O-', `http://${name}/hostname`]);
      assert.equal(ok(await eventually(async () => ((await fetch('api', 'db')).code === 0 ? fetch('api', 'db') : undefined), 'api reaching db')).stdout, 'dbhost\n');
      assert.equal(ok(await fetch('ui', 'api')).stdout, 'apihost\n');
      assert.equal(ok(await fetch('db', 'api')).stdout, 'apihost\n');
      const blocked = await fetch('ui', 'db');
      assert.notEqual(blocked.code, 0);
      assert.match(blocked.stderr, /bad address 'db'/);
      // not by address either: the two bridges are isolated
      const dbAddress = ok(await wharf.run(['inspect', '-f', `{{(index .NetworkSettings.Networks "${project}_backend").IPAddress}}`, `${project}_db_1`])).stdout.trim();
      const isolated = await wharf.run(['exec', `${project}_ui_1`, 'timeout', '3', 'wget', '-q', '-O-', `http://${dbAddress}/hostname`]);
      assert.notEqual(isolated.code, 0);
      const apiNetworks = ok(await wharf.run(['inspect', '-f', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}', `${project}_api_1`])).stdout;
      assert.equal(apiNetworks, `${project}_backend ${project}_frontend \n`);
      const apiId = ok(await wharf.run(['inspect', '-f', '{{.Id}}', `${project}_api_1`])).stdout.trim();
      const down = await compose(['down']);
      assert.equal(down.code, 0, down.stderr);
      assert.deepEqual(await vethsOf(apiId), []);
      assert.doesNotMatch(ok(await wharf.run(['network', 'ls', '--format', '{{.Name}}'])).stdout, new RegExp(project));
    } finally {
      await compose(['down']);
    }
  });
});

describe('cleanup of a container on several networks', { skip, concurrency: false }, () => {
  it("system prune's stale-network cleanup removes every veth and address of a crashed container's networks", async () => {
    const lab = await networkLab();
    try {
      ok(await lab.wharf.run(['network', 'create', 'crashone']));
      ok(await lab.wharf.run(['network', 'create', 'crashtwo']));
      const network = (name: string) => userBridge(userNetwork(lab.store, name)!);
      const { id, dir } = lab.container();
      await attachNetwork(lab.store, dir, { containerId: id, mode: 'bridge', hostname: 'c', publish: [], publishAll: false, exposedPorts: [], extraNetworks: [network('crashone')] });
      await connectLive(lab.store, dir, network('crashtwo'));
      assert.equal((await vethsOf(id)).length, 3);
      rmSync(dir, { recursive: true }); // as if wharf died between removing the container and detaching it
      const report = await cleanupStaleNetworks(lab.store);
      assert.ok(report.namespaces.includes(`wharf-${id}`), JSON.stringify(report.namespaces));
      assert.deepEqual(await vethsOf(id), []);
      assert.equal(lab.store.db.get('SELECT COUNT(*) AS n FROM ip_allocations WHERE container_id = ?', id)?.n, 0);
      ok(await lab.wharf.run(['network', 'rm', 'crashone', 'crashtwo']));
    } finally {
      await lab.teardown();
    }
  });
});
