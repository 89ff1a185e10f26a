// Container networking on the real kernel: namespaces, veths into wharf's bridge, published ports reached over HTTP on 127.0.0.1, Docker's /etc files and errors, cleanup.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { attachNetwork, cleanupStaleNetworks, detachNetwork, parsePublish } from '../../src/runtime/network/attach.ts';
import { busyboxWharf, eventually } from '../helpers/busybox-wharf.ts';
import { canRunNetworkTests, hostState, httpGet, networkLab, type NetworkLab } from '../helpers/network-fixtures.ts';
import { runCommand } from '../helpers/run-command.ts';
import { tempDir } from '../helpers/wharf-cli.ts';

const skip = canRunNetworkTests();

describe('network attach and detach', { skip, concurrency: false }, () => {
  let lab: NetworkLab;
  before(async () => (lab = await networkLab()));
  after(async () => {
    const bridge = (await lab.wharf.run(['network', 'inspect', '-f', '{{index .Options "com.docker.network.bridge.name"}}', 'bridge'])).stdout.trim();
    await lab.teardown();
    const state = await hostState();
    assert.doesNotMatch(state.links, new RegExp(`: ${bridge}[:@]`), 'bridge left behind');
    assert.doesNotMatch(state.rules, new RegExp(`wharf-bridge:${bridge}@`), 'bridge rules left behind');
  });

  it('publishes -p 8000:80 to 127.0.0.1 and the host address, with an address from the bridge subnet', async () => {
    const { id, dir } = lab.container();
    const hostPort = await freePort();
    const attachment = await attachNetwork(lab.store, dir, { containerId: id, mode: 'bridge', hostname: id.slice(0, 12), publish: parsePublish(`${hostPort}:80`), publishAll: false, exposedPorts: [] });
    await lab.serve(`wharf-${id}`, 'hello from the container\n');
    assert.equal(await httpGet(`http://127.0.0.1:${hostPort}/`), 'hello from the container\n');
    const hostAddress = Object.entries(networkInterfaces())
      .filter(([name]) => !/^(wharf|docker|vw|br-)/.test(name))
      .flatMap(([, addresses]) => addresses ?? [])
      .find((address) => address.family === 'IPv4' && !address.internal)?.address;
    if (hostAddress) assert.equal(await httpGet(`http://${hostAddress}:${hostPort}/`), 'hello from the container\n');
    assert.deepEqual(attachment.ports, [{ hostIp: '0.0.0.0', hostPort, containerPort: 80, protocol: 'tcp' }]);
    const inspect = JSON.parse((await lab.wharf.run(['network', 'inspect', 'bridge'])).stdout)[0];
    const subnet: string = inspect.IPAM.Config[0].Subnet;
    assert.equal(subnet.split('.').slice(0, 2).join('.'), attachment.ipAddress!.split('.').slice(0, 2).join('.'));
    assert.equal(inspect.Containers[id].IPv4Address, `${attachment.ipAddress}/${attachment.ipPrefixLen}`);
    assert.equal(inspect.IPAM.Config[0].Gateway, attachment.gateway);
    // the namespace really has that address and a default route through the gateway
    const route = await run('ip', ['-n', `wharf-${id}`, 'route', 'show', 'default']);
    assert.match(route, new RegExp(`default via ${attachment.gateway!.replaceAll('.', '\\.')} dev eth0`));
    assert.equal((await lab.wharf.run(['port', id.slice(0, 12)])).stdout, `80/tcp -> 0.0.0.0:${hostPort}\n`);
    assert.equal((await lab.wharf.run(['port', id, '80/tcp'])).stdout, `0.0.0.0:${hostPort}\n`);
    const missing = await lab.wharf.run(['port', id, '81']);
    assert.deepEqual([missing.code, missing.stderr], [1, `Error: No public port '81' published for ${id}\n`]);

    await detachNetwork(lab.store, dir);
    const state = await hostState();
    assert.doesNotMatch(state.rules, new RegExp(id));
    assert.doesNotMatch(state.netns, new RegExp(id));
    assert.doesNotMatch(state.links, new RegExp(`vw${id.slice(0, 12)}`));
    assert.equal((await lab.wharf.run(['port', id])).stdout, '');
    await detachNetwork(lab.store, dir); // idempotent
  });

  it("writes /etc/hosts, /etc/hostname and resolv.conf as Docker does", async () => {
    const { id, dir } = lab.container();
    const attachment = await attachNetwork(lab.store, dir, { containerId: id, mode: 'bridge', hostname: 'web01', publish: [], publishAll: false, exposedPorts: [] });
    assert.equal(readFileSync(attachment.etcFiles.hostname, 'utf8'), 'web01\n');
    assert.match(readFileSync(attachment.etcFiles.hosts, 'utf8'), new RegExp(`^127\\.0\\.0\\.1\\tlocalhost\\n[^]*\\n${attachment.ipAddress!.replaceAll('.', '\\.')}\\tweb01\\n$`));
    const resolv = readFileSync(attachment.etcFiles.resolvConf, 'utf8');
    assert.doesNotMatch(resolv, /nameserver\s+127\./);
    assert.match(resolv, /nameserver /);
    await detachNetwork(lab.store, dir);
  });

  it('publishes EXPOSEd ports to random host ports with -P, and a host IP with -p ip:hp:cp', async () => {
    const { id, dir } = lab.container();
    const fixed = await freePort();
    const attachment = await attachNetwork(lab.store, dir, {
      containerId: id, mode: 'bridge', hostname: 'x', publish: parsePublish(`127.0.0.1:${fixed}:8080`), publishAll: true, exposedPorts: ['80/tcp'],
    });
    const random = attachment.ports.find((port) => port.containerPort === 80)!;
    assert.ok(random.hostPort >= 1024 && random.hostPort !== fixed);
    await lab.serve(`wharf-${id}`, 'eighty\n', 80);
    await lab.serve(`wharf-${id}`, 'eighty-eighty\n', 8080);
    assert.equal(await httpGet(`http://127.0.0.1:${random.hostPort}/`), 'eighty\n');
    assert.equal(await httpGet(`http://127.0.0.1:${fixed}/`), 'eighty-eighty\n');
    assert.equal((await lab.wharf.run(['port', id, '8080'])).stdout, `127.0.0.1:${fixed}\n`);
    await detachNetwork(lab.store, dir);
  });

  it("refuses a port another container has, with Docker's error, and leaves nothing of the refused one", async () => {
    const first = lab.container();
    const second = lab.container();
    const hostPort = await freePort();
    await attachNetwork(lab.store, first.dir, { containerId: first.id, mode: 'bridge', hostname: 'a', publish: parsePublish(`${hostPort}:80`), publishAll: false, exposedPorts: [] });
    const refused = attachNetwork(lab.store, second.dir, { containerId: second.id, mode: 'bridge', hostname: 'b', publish: parsePublish(`${hostPort}:80`), publishAll: false, exposedPorts: [], name: 'web' });
    await assert.rejects(refused, { message: `driver failed programming external connectivity on endpoint web (${second.id}): Bind for 0.0.0.0:${hostPort} failed: port is already allocated` });
    const state = await hostState();
    assert.doesNotMatch(state.rules, new RegExp(second.id));
    assert.doesNotMatch(state.netns, new RegExp(second.id));
    assert.equal(lab.store.db.get('SELECT COUNT(*) AS n FROM ip_allocations WHERE container_id = ?', second.id)?.n, 0);
    await detachNetwork(lab.store, first.dir);
  });

  it("refuses a port a host program listens on, as Docker's proxy would fail", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const hostPort = (server.address() as { port: number }).port;
    const { id, dir } = lab.container();
    try {
      await assert.rejects(attachNetwork(lab.store, dir, { containerId: id, mode: 'bridge', hostname: 'a', publish: parsePublish(`${hostPort}:80`), publishAll: false, exposedPorts: [] }), {
        message: `Error starting userland proxy: listen tcp4 0.0.0.0:${hostPort}: bind: address already in use`,
      });
    } finally {
      server.close();
    }
  });

  it('lets containers reach each other over the bridge, and the host through the gateway', async () => {
    const server = lab.container();
    const client = lab.container();
    const request = { mode: 'bridge' as const, publish: [], publishAll: false, exposedPorts: [] };
    const served = await attachNetwork(lab.store, server.dir, { ...request, containerId: server.id, hostname: 's' });
    await attachNetwork(lab.store, client.dir, { ...request, containerId: client.id, hostname: 'c' });
    await lab.serve(`wharf-${server.id}`, 'neighbour\n');
    assert.equal(await run('ip', ['netns', 'exec', `wharf-${client.id}`, 'busybox', 'wget', '-q', '-O-', `http://${served.ipAddress}/`]), 'neighbour\n');
    const hostServer = createServer((socket) => socket.end('host here\n'));
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    try {
      const { port } = hostServer.address() as { port: number };
      assert.equal(await run('ip', ['netns', 'exec', `wharf-${client.id}`, 'busybox', 'nc', served.gateway!, String(port)]), 'host here\n');
    } finally {
      hostServer.close();
    }
    await detachNetwork(lab.store, server.dir);
    await detachNetwork(lab.store, client.dir);
  });

  it('masquerades traffic to the outside: a server beyond the host sees the host, not the container', async () => {
    // "outside" is a namespace behind a veth on 198.18.77.0/30 (a benchmarking range), routed by the host
    const outside = `wharftest-out-${process.pid}`;
    const hostEnd = `wto${process.pid % 1_000_000}`;
    const { id, dir } = lab.container();
    let server: ReturnType<typeof spawn> | undefined;
    try {
      await run('ip', ['netns', 'add', outside]);
      await run('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside]);
      await run('ip', ['addr', 'add', '198.18.77.1/30', 'dev', hostEnd]);
      await run('ip', ['link', 'set', hostEnd, 'up']);
      await run('ip', ['-n', outside, 'addr', 'add', '198.18.77.2/30', 'dev', 'eth0']);
      await run('ip', ['-n', outside, 'link', 'set', 'eth0', 'up']);
      const echoPeer = "require('net').createServer((s) => s.end(s.remoteAddress + '\\n')).listen(8080, '0.0.0.0', () => console.log('up'))";
      const started = spawn('ip', ['netns', 'exec', outside, process.execPath, '-e', echoPeer], { stdio: ['ignore', 'pipe', 'inherit'] });
      server = started;
      await new Promise((resolve) => started.stdout!.once('data', resolve));
      const attachment = await attachNetwork(lab.store, dir, { containerId: id, mode: 'bridge', hostname: 'n', publish: [], publishAll: false, exposedPorts: [] });
      const seen = await run('ip', ['netns', 'exec', `wharf-${id}`, 'busybox', 'nc', '198.18.77.2', '8080']);
      assert.notEqual(seen.trim(), attachment.ipAddress);
      assert.equal(seen, '198.18.77.1\n');
    } finally {
      server?.kill('SIGKILL');
      await run('ip', ['netns', 'del', outside]).catch(() => {});
      await run('ip', ['link', 'del', hostEnd]).catch(() => {});
      await detachNetwork(lab.store, dir);
    }
  });

  it('gives concurrent wharf processes distinct addresses', async () => {
    const dirs = Array.from({ length: 4 }, () => lab.container());
    const script = join(import.meta.dirname, '../helpers/attach-network.ts');
    const results = await Promise.all(dirs.map(({ id, dir }) => run(process.execPath, [script, lab.wharf.root, dir, id])));
    const addresses = results.map((output) => JSON.parse(output).ipAddress as string);
    assert.equal(new Set(addresses).size, 4, `addresses: ${addresses.join(' ')}`);
    for (const { dir } of dirs) await detachNetwork(lab.store, dir);
  });

  it('--network none: a namespace the runtime makes, nothing on the host; host: no namespace at all', async () => {
    const none = lab.container();
    const before = await hostState();
    const attachment = await attachNetwork(lab.store, none.dir, { containerId: none.id, mode: 'none', hostname: 'n', publish: parsePublish('80'), publishAll: false, exposedPorts: [] });
    assert.equal(attachment.ownNetns, true);
    assert.equal(attachment.netnsPath, undefined);
    assert.deepEqual(attachment.ports, []);
    assert.equal((await hostState()).netns, before.netns);
    assert.doesNotMatch(readFileSync(attachment.etcFiles.hosts, 'utf8'), /\tn\n/);
    await detachNetwork(lab.store, none.dir);
    const host = lab.container();
    const hostAttachment = await attachNetwork(lab.store, host.dir, { containerId: host.id, mode: 'host', hostname: 'h', publish: parsePublish('80:80'), publishAll: false, exposedPorts: [] });
    assert.equal(hostAttachment.netnsPath, undefined);
    assert.equal(hostAttachment.ownNetns, undefined);
    assert.equal(readFileSync(hostAttachment.etcFiles.hosts, 'utf8'), readFileSync('/etc/hosts', 'utf8'));
    await detachNetwork(lab.store, host.dir);
  });

  it('cleans up after a crash: a removed container dir with its namespace, veth and rules still there', async () => {
    const { id, dir } = lab.container();
    await attachNetwork(lab.store, dir, { containerId: id, mode: 'bridge', hostname: 'c', publish: parsePublish(`${await freePort()}:80`), publishAll: false, exposedPorts: [] });
    rmSync(dir, { recursive: true }); // as if wharf died between removing the container and detaching it
    const report = await cleanupStaleNetworks(lab.store);
    // the host is shared with other tests' stores: their leftovers may be swept in the same pass
    assert.ok(report.namespaces.includes(`wharf-${id}`), JSON.stringify(report.namespaces));
    assert.ok(report.ruleOwners.includes(`wharf:${id}`), JSON.stringify(report.ruleOwners));
    const state = await hostState();
    assert.doesNotMatch(state.rules, new RegExp(id));
    assert.doesNotMatch(state.netns, new RegExp(id));
    assert.doesNotMatch(state.links, new RegExp(`vw${id.slice(0, 12)}`));
    assert.equal(lab.store.db.get('SELECT COUNT(*) AS n FROM port_allocations WHERE container_id = ?', id)?.n, 0);
  });

  it('network ls shows the built-in networks as Docker does', async () => {
    const result = await lab.wharf.run(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']);
    assert.equal(result.stdout, 'bridge bridge local\nhost host local\nnone null local\n');
    const table = (await lab.wharf.run(['network', 'ls'])).stdout.split('\n');
    assert.match(table[0], /^NETWORK ID {5}NAME {6}DRIVER {4}SCOPE$/);
    const missing = await lab.wharf.run(['network', 'inspect', 'nope']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: network nope not found\n']);
  });
});

/** httpd on port 80 serving /www; the container ends when /www/stop appears, so nothing outlives a test even without `wharf rm`. */
const serve = 'httpd -p 80 -h /www; while [ ! -e /www/stop ]; do sleep 0.1; done';

/** A directory for -v …:/www with index.html; after the test it gets /www/stop, then goes. */
function siteDir(t: TestContext, page: string): string {
  const site = tempDir(undefined, 'wharf-site-');
  writeFileSync(join(site, 'index.html'), page);
  t.after(async () => {
    writeFileSync(join(site, 'stop'), '');
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(site, { recursive: true, force: true });
  });
  return site;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString()) : reject(new Error(`${program} ${args.join(' ')} exited ${code}`))));
  });
}

describe('networking through wharf run', { skip, concurrency: false }, () => {
  it('serves a published port to curl on 127.0.0.1, refuses the port twice, and cleans up when the container ends', async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const site = siteDir(t, 'site page\n');
    const hostPort = await freePort();
    const started = await wharf.run(['run', '-d', '--rm', '--name', 'web', '-p', `${hostPort}:80`, '-v', `${site}:/www`, 'busybox', 'sh', '-c', serve]);
    assert.equal(started.code, 0, started.stderr);
    const id = started.stdout.trim();
    const page = await eventually(async () => {
      const result = await runCommand('curl', ['-sf', '--max-time', '5', `http://127.0.0.1:${hostPort}/`]);
      return result.code === 0 ? result.stdout : undefined;
    }, 'httpd answering through the published port');
    assert.equal(page, 'site page\n');
    assert.equal((await wharf.run(['port', 'web'])).stdout, `80/tcp -> 0.0.0.0:${hostPort}\n`);

    const clash = await wharf.run(['run', '-d', '--name', 'web2', '-p', `${hostPort}:80`, 'busybox', 'true']);
    assert.equal(clash.code, 125);
    assert.match(clash.stderr, new RegExp(`Error response from daemon: driver failed programming external connectivity on endpoint web2 \\([0-9a-f]{64}\\): Bind for 0\\.0\\.0\\.0:${hostPort} failed: port is already allocated`));

    writeFileSync(join(site, 'stop'), '');
    await eventually(async () => ((await hostState()).netns.includes(id) ? undefined : true), 'the namespace removed after the container ended');
    const state = await hostState();
    assert.doesNotMatch(state.rules, new RegExp(id));
    assert.doesNotMatch(state.links, new RegExp(`vw${id.slice(0, 12)}`));
    const refused = await runCommand('curl', ['-sf', '--max-time', '5', `http://127.0.0.1:${hostPort}/`]);
    assert.notEqual(refused.code, 0);
  });

  it("gives the container Docker's /etc files and the network it asked for", async (t) => {
    const wharf = await busyboxWharf(t);
    if (!wharf) return;
    const bridged = await wharf.run(['run', '--rm', '--hostname', 'box1', 'busybox', 'sh', '-c', 'cat /etc/hostname /etc/hosts; ip -4 -o addr show eth0; ip route']);
    assert.equal(bridged.code, 0, bridged.stderr);
    const address = /inet (\d+\.\d+\.\d+\.\d+)\/\d+/.exec(bridged.stdout)?.[1];
    assert.ok(address, bridged.stdout);
    assert.match(bridged.stdout, new RegExp(`^box1\\n127\\.0\\.0\\.1\\tlocalhost\\n[^]*\\n${address.replaceAll('.', '\\.')}\\tbox1\\n`));
    assert.match(bridged.stdout, /default via \d+\.\d+\.\d+\.1 dev eth0/);
    // only a loopback, and up (the runtime brings it up in the namespace it makes): a server inside answers on it
    const none = await wharf.run(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net; cat /sys/class/net/lo/operstate; (echo hi | nc -l -p 7 &) ; sleep 0.2; nc 127.0.0.1 7 </dev/null']);
    assert.equal(none.stdout, 'lo\nunknown\nhi\n', none.stderr);
    const resolv = await wharf.run(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.doesNotMatch(resolv.stdout, /nameserver\s+127\./);
    assert.match(resolv.stdout, /^nameserver /m);
  });

  it('publishes EXPOSEd ports with -P', async (t) => {
    const wharf = await busyboxWharf(t, { containerConfig: { ExposedPorts: { '80/tcp': {} } } });
    if (!wharf) return;
    const site = siteDir(t, 'exposed\n');
    const started = await wharf.run(['run', '-d', '--rm', '--name', 'pub', '-P', '-v', `${site}:/www`, 'busybox', 'sh', '-c', serve]);
    assert.equal(started.code, 0, started.stderr);
    const mapping = (await wharf.run(['port', 'pub', '80'])).stdout.trim();
    assert.match(mapping, /^0\.0\.0\.0:\d+$/);
    const page = await eventually(async () => {
      const result = await runCommand('curl', ['-sf', '--max-time', '5', `http://127.0.0.1:${mapping.split(':')[1]}/`]);
      return result.code === 0 ? result.stdout : undefined;
    }, 'httpd answering on the random port');
    assert.equal(page, 'exposed\n');
  });
});
