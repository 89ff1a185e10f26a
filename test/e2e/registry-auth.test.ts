// The registry's access control and serving options: htpasswd Basic, Bearer tokens with scopes, read-only, TLS,
// config.yml, deletion switched off, /metrics, and a SIGTERM that lets an upload in flight finish.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxFixture, writeClassicArchive, writeOciLayout } from '../helpers/image-builder.ts';
import { needPeers, skopeo, startDockerd } from '../helpers/peers.ts';
import { api, locationUrl, pushImage, randomBlob } from '../helpers/registry-http.ts';
import { freePort, startWharfRegistry } from '../helpers/registry-server.ts';
import { runCommand } from '../helpers/run-command.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { startTokenServer } from '../helpers/token-server.ts';
import { signJwt } from '../../src/registry/server/auth/jwt.ts';

function htpasswd(dir: string, users: Record<string, string>): string {
  const file = join(dir, 'htpasswd');
  writeFileSync(file, Object.entries(users).map(([user, password]) => `${user}:${bcrypt.hashSync(password, 5)}\n`).join(''));
  return file;
}

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

test('htpasswd Basic auth: 401 with a Basic challenge without or with wrong credentials, 200 with right ones', async (t) => {
  const dir = tempDir(t);
  const registry = await startWharfRegistry(t, { args: ['--htpasswd', htpasswd(dir, { alice: 'secret' })] });
  const anonymous = await api(`${registry.url}/v2/`);
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm="/);
  assert.deepEqual(anonymous.codes(), ['UNAUTHORIZED']);
  const wrong = await api(`${registry.url}/v2/team/app/tags/list`, { headers: basic('alice', 'nope') });
  assert.equal(wrong.status, 401);
  assert.equal((await api(`${registry.url}/v2/`, { headers: basic('alice', 'secret') })).status, 200);
  assert.doesNotMatch(registry.log(), /secret/);
});

test('Bearer tokens: the token endpoint grants scopes from the access file; forged and expired tokens are refused', async (t) => {
  if (!needPeers(t, 'skopeo')) return;
  const dir = tempDir(t);
  const port = await freePort();
  const accessFile = join(dir, 'access.yml');
  writeFileSync(accessFile, ['- account: alice', '  name: team/*', '  actions: [pull, push]', '- account: bob', '  name: team/*', '  actions: [pull]', ''].join('\n'));
  const keyFile = join(dir, 'token.key');
  writeFileSync(keyFile, 'k'.repeat(32), { mode: 0o600 });
  const realm = `http://127.0.0.1:${port}/token`;
  const registry = await startWharfRegistry(t, { args: ['--addr', `127.0.0.1:${port}`, '--htpasswd', htpasswd(dir, { alice: 'a-pass', bob: 'b-pass' }), '--token-realm', realm, '--access-file', accessFile, '--token-key', keyFile] });

  const challenge = await api(`${registry.url}/v2/team/app/tags/list`);
  assert.equal(challenge.status, 401);
  assert.equal(challenge.headers.get('www-authenticate'), `Bearer realm="${realm}",service="wharf-registry",scope="repository:team/app:pull"`);

  const layout = join(dir, 'layout');
  await writeOciLayout(layout, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  const target = `docker://${registry.host}/team/app:1`;
  ok(await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:a-pass', `oci:${layout}:latest`, target]), 'alice pushes');
  const bobPush = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', 'bob:b-pass', `oci:${layout}:latest`, `docker://${registry.host}/team/app:2`]);
  assert.notEqual(bobPush.code, 0);
  assert.match(bobPush.stderr, /unauthorized|denied/i);
  ok(await skopeo(['inspect', '--tls-verify=false', '--creds', 'bob:b-pass', target]), 'bob pulls');
  const wrongPassword = await skopeo(['inspect', '--tls-verify=false', '--creds', 'bob:wrong', target]);
  assert.notEqual(wrongPassword.code, 0);

  const token = await api(`${realm}?service=wharf-registry&scope=repository:team/app:pull`, { headers: basic('bob', 'b-pass') });
  const { token: good } = token.json<{ token: string }>();
  assert.equal((await api(`${registry.url}/v2/team/app/tags/list`, { headers: { Authorization: `Bearer ${good}` } })).status, 200);
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'wharf-registry', sub: 'bob', aud: 'wharf-registry', iat: now, nbf: now - 10, jti: 'x', access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }] };
  const forged = signJwt({ ...claims, exp: now + 300 }, Buffer.from('another key'));
  const expired = signJwt({ ...claims, exp: now - 1 }, Buffer.from('k'.repeat(32)));
  for (const bad of [forged, expired, `${good.slice(0, -2)}xx`]) {
    const refused = await api(`${registry.url}/v2/team/app/tags/list`, { headers: { Authorization: `Bearer ${bad}` } });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  }
  assert.doesNotMatch(registry.log(), /a-pass|b-pass/);
});

test('--read-only serves pulls and refuses pushes with 405 UNSUPPORTED', async (t) => {
  const writable = await startWharfRegistry(t);
  const { manifest } = await pushImage(writable.url, 'team/app', 'v1');
  await writable.stop();
  const registry = await startWharfRegistry(t, { root: writable.root, args: ['--read-only'] });
  assert.equal((await api(`${registry.url}/v2/team/app/manifests/v1`)).headers.get('docker-content-digest'), manifest.digest);
  const push = await api(`${registry.url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
  assert.equal(push.status, 405);
  assert.deepEqual(push.codes(), ['UNSUPPORTED']);
});

test('TLS: serves HTTPS from --tls-cert/--tls-key to skopeo', async (t) => {
  if (!needPeers(t, 'skopeo', 'openssl')) return;
  const dir = tempDir(t);
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  ok(await runCommand('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert]), 'openssl');
  const registry = await startWharfRegistry(t, { scheme: 'https', args: ['--tls-cert', cert, '--tls-key', key] });
  const layout = join(dir, 'layout');
  await writeOciLayout(layout, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  ok(await skopeo(['copy', '--dest-cert-dir', dir, '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${registry.host}/tls/app:1`]), 'skopeo over TLS');
  const tags = await runCommand('curl', ['-sk', `${registry.url}/v2/tls/app/tags/list`]);
  assert.deepEqual(JSON.parse(tags.stdout), { name: 'tls/app', tags: ['1'] });
});

test('--config reads distribution keys: address, root, deletion disabled; /metrics counts requests', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const config = join(dir, 'registry.yml');
  writeFileSync(config, `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'store')}\n  delete:\n    enabled: false\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const registry = await startWharfRegistry(t, { fromConfig: true, args: ['--config', config] });
  assert.equal(registry.host, `127.0.0.1:${port}`);
  const { manifest } = await pushImage(registry.url, 'team/app', 'v1');
  const deleted = await api(`${registry.url}/v2/team/app/manifests/${manifest.digest}`, { method: 'DELETE' });
  assert.equal(deleted.status, 405);
  assert.deepEqual(deleted.codes(), ['UNSUPPORTED']);
  assert.equal((await api(`${registry.url}/v2/team/app/manifests/v1`)).status, 200);
  const metrics = (await api(`${registry.url}/metrics`)).body.toString();
  assert.match(metrics, /registry_http_requests_total\{method="PUT",route="manifests",code="201"\} 1/);
  assert.match(metrics, /registry_http_request_duration_seconds_count\{route="blobs_uploads"\} \d+/);
  assert.match(registry.log(), /"method":"DELETE","path":"\/v2\/team\/app\/manifests\/sha256:[a-f0-9]+","status":405/);
});

test('SIGTERM lets an upload in flight finish, then the server exits', async (t) => {
  const registry = await startWharfRegistry(t);
  const started = await api(`${registry.url}/v2/slow/blobs/uploads/`, { method: 'POST' });
  const location = locationUrl(registry.url, started.headers.get('location'));
  const blob = randomBlob(64 * 1024);
  const response = new Promise<number>((resolve, reject) => {
    const req = request(location, { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.bytes.length } }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', reject);
    req.write(blob.bytes.subarray(0, 1000));
    // the rest only after the server was told to stop
    setTimeout(() => {
      process.kill(registry.pid(), 'SIGTERM');
      setTimeout(() => req.end(blob.bytes.subarray(1000)), 300);
    }, 300);
  });
  assert.equal(await response, 202);
  await registry.stop();
  assert.match(registry.log(), /shutting down/);
  const restarted = await startWharfRegistry(t, { root: registry.root });
  const status = await api(`${restarted.url}${new URL(location).pathname}`);
  assert.equal(status.headers.get('range'), `0-${blob.bytes.length - 1}`);
});

test('docker logs in through the token endpoint, pushes and pulls; a wrong password and anonymous pulls are refused', async (t) => {
  const dockerd = await startDockerd(t);
  if (!dockerd) return;
  const dir = tempDir(t);
  const port = await freePort();
  const registry = await startWharfRegistry(t, { args: ['--addr', `127.0.0.1:${port}`, '--htpasswd', htpasswd(dir, { alice: 'a-pass' }), '--token-realm', `http://127.0.0.1:${port}/token`] });
  const archive = join(dir, 'busybox.tar');
  await writeClassicArchive(archive, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  ok(await dockerd.docker(['load', '-i', archive]));
  const name = `${registry.host}/team/busybox:1`;
  ok(await dockerd.docker(['tag', 'busybox:latest', name]));
  const wrong = await dockerd.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'nope\n' });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /unauthorized|401/i);
  ok(await dockerd.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'a-pass\n' }), 'docker login');
  ok(await dockerd.docker(['push', name]), 'docker push');
  ok(await dockerd.docker(['logout', registry.host]));
  ok(await dockerd.docker(['rmi', name]));
  const anonymous = await dockerd.docker(['pull', name]);
  assert.notEqual(anonymous.code, 0);
  assert.match(anonymous.stderr, /unauthorized|authentication required|denied/i);
  ok(await dockerd.docker(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'a-pass\n' }));
  ok(await dockerd.docker(['pull', name]), 'docker pull');
});

test("distribution's auth.token config: tokens of an outside token server, trusted through its rootcertbundle", async (t) => {
  if (!needPeers(t, 'skopeo', 'openssl')) return;
  const tokens = await startTokenServer(t, { users: { alice: 'a-pass' } });
  const dir = tempDir(t);
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'store')}`, 'http:', `  addr: 127.0.0.1:${port}`,
    'auth:', '  token:', `    realm: ${tokens.realm}`, `    service: ${tokens.service}`, `    issuer: ${tokens.issuer}`, `    rootcertbundle: ${tokens.certFile}`, '',
  ].join('\n'));
  const registry = await startWharfRegistry(t, { fromConfig: true, args: ['--config', config] });
  const challenge = await api(`${registry.url}/v2/team/app/tags/list`);
  assert.equal(challenge.status, 401);
  assert.match(challenge.headers.get('www-authenticate') ?? '', new RegExp(`^Bearer realm="${tokens.realm}",service="${tokens.service}"`));
  const layout = join(dir, 'layout');
  await writeOciLayout(layout, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  ok(await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:a-pass', `oci:${layout}:latest`, `docker://${registry.host}/team/app:1`]), 'push with an outside token');
  ok(await skopeo(['inspect', '--tls-verify=false', '--creds', 'alice:a-pass', `docker://${registry.host}/team/app:1`]));
  const anonymous = await skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/team/app:1`]);
  assert.notEqual(anonymous.code, 0);
  // a token of the right shape signed with another key (here, wharf's own HMAC scheme) is refused
  const now = Math.floor(Date.now() / 1000);
  const forged = signJwt({ iss: tokens.issuer, sub: 'alice', aud: tokens.service, exp: now + 300, nbf: now, iat: now, jti: 'x', access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }] }, Buffer.from('guess'));
  assert.equal((await api(`${registry.url}/v2/team/app/tags/list`, { headers: { Authorization: `Bearer ${forged}` } })).status, 401);
});
