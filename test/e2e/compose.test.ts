// docker-compose (v1, Debian's 1.29 on docker-py) against `wharf serve`: a two-service app on a project network, the client
// reaching the server by its service name (an alias compose connects it with), then ps, logs and down.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sweepHost } from '../../src/runtime/network/cleanup.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxApi } from '../helpers/engine-api.ts';
import { canRunNetworkTests } from '../helpers/network-fixtures.ts';
import { needPeers } from '../helpers/peers.ts';
import { runCommand } from '../helpers/run-command.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const COMPOSE_FILE = `version: "3"
services:
  web:
    image: busybox
    command: httpd -f -p 80 -h /etc
  client:
    image: busybox
    command: sh -c 'wget -qO- http://web/hostname && echo fetched'
    depends_on:
      - web
`;

describe('docker-compose against wharf serve', { skip: canRunNetworkTests(), concurrency: false }, () => {
  it('up runs the app on its project network (the client fetches from web by service name), ps and logs show it, down removes it all', async (t) => {
    if (!needPeers(t, 'docker-compose')) return;
    const served = await busyboxApi(t);
    if (!served) return;
    const { wharf, api } = served;
    t.after(() => sweepHost());
    const project = 'wharfcompose';
    const dir = join(tempDir(t, 'wharf-compose-'), project);
    mkdirSync(dir);
    writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE_FILE);
    const env = { ...process.env, DOCKER_HOST: `unix://${api.socket}`, DOCKER_CONFIG: tempDir(t, 'wharf-compose-config-') };
    const compose = (args: string[]) => runCommand('docker-compose', ['-p', project, ...args], { env, cwd: dir });
    try {
      const up = await compose(['up', '--abort-on-container-exit', '--exit-code-from', 'client']);
      assert.equal(up.code, 0, up.stderr);
      // compose's event thread reads each container event's `id`, which dockerd still sends at the API wharf serves
      assert.doesNotMatch(up.stdout + up.stderr, /Traceback|KeyError/);
      const webHostname = ok(await wharf.run(['inspect', '-f', '{{.Config.Hostname}}', `${project}_web_1`])).stdout.trim();
      assert.match(webHostname, /^[0-9a-f]{12}$/);
      // the client's two lines, as compose prefixes them (colour codes around the prefix)
      assert.match(up.stdout, new RegExp(`client_1 +\\|\\S* ${webHostname}\\n`), up.stdout);
      assert.match(up.stdout, /client_1 +\|\S* fetched\n/, up.stdout);

      // the project network stays until down; web was connected to it with its service name as an alias
      assert.match(ok(await wharf.run(['network', 'ls', '--format', '{{.Name}}'])).stdout, new RegExp(`^${project}_default$`, 'm'));
      assert.equal(ok(await wharf.run(['inspect', '-f', '{{.HostConfig.NetworkMode}}', `${project}_web_1`])).stdout, `${project}_default\n`);
      assert.match(ok(await wharf.run(['inspect', '-f', `{{json (index .NetworkSettings.Networks "${project}_default").Aliases}}`, `${project}_web_1`])).stdout, /"web"/);

      const ps = await compose(['ps']);
      assert.equal(ps.code, 0, ps.stderr);
      assert.match(ps.stdout, new RegExp(`^${project}_client_1 .* Exit 0 `, 'm'));
      assert.match(ps.stdout, new RegExp(`^${project}_web_1 +httpd -f -p 80 -h /etc `, 'm'));

      const webLogs = await compose(['logs', '--no-color', 'web']);
      assert.equal(webLogs.code, 0, webLogs.stderr);
      assert.match(webLogs.stdout, new RegExp(`Attaching to ${project}_web_1\\n`));
      const clientLogs = await compose(['logs', '--no-color', 'client']);
      assert.equal(clientLogs.code, 0, clientLogs.stderr);
      assert.match(clientLogs.stdout, /client_1 +\| fetched\n/);

      const down = await compose(['down']);
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stderr, new RegExp(`Removing network ${project}_default`));
      assert.equal(ok(await wharf.run(['ps', '-a', '-q'])).stdout, '');
      assert.doesNotMatch(ok(await wharf.run(['network', 'ls', '--format', '{{.Name}}'])).stdout, new RegExp(`${project}_default`));
    } finally {
      await compose(['down']);
    }
  });
});
