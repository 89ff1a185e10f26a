// The Authenticator against the real distribution registry behind a token server: tokens cached per scope set (a push
// token serves pulls), one token request for parallel 401s, `access_token` answers, anonymous pulls, Basic only when asked.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { Authenticator } from '../../src/registry/client/auth/authenticator.ts';
import { requestToken } from '../../src/registry/client/auth/token-request.ts';
import { HttpTransport } from '../../src/registry/client/http-transport.ts';
import type { RegistryConfig } from '../../src/registry/client/registry-config.ts';
import { RegistryClient } from '../../src/registry/client/registry-client.ts';
import { buildImage, writeOciLayout } from '../helpers/image-builder.ts';
import { type Distribution, skopeo, startDistribution } from '../helpers/peers.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { tempDir } from '../helpers/wharf-cli.ts';

const PASSWORD = 'token-test-pw';
const CONFIG: RegistryConfig = { insecureRegistries: [], mirrors: [], maxConcurrentDownloads: 3, maxConcurrentUploads: 5, certsDirs: [] };

function newClient(t: { after(fn: () => void): void }, registry: Distribution, credentials?: { username: string; password: string }) {
  const transport = new HttpTransport();
  t.after(() => transport.close());
  return { transport, client: new RegistryClient(registry.host, { transport, config: CONFIG, credentials }) };
}

async function status(client: RegistryClient, path: string, scopes: string[], method = 'GET'): Promise<number> {
  // distribution hides an OCI manifest from a client that does not accept the type
  const headers = { accept: 'application/vnd.oci.image.manifest.v1+json' };
  const response = await client.request({ method, path, scopes, headers });
  response.body.resume();
  return response.status;
}

// one at a time: each test reads the token server's request log
describe('Authenticator with a token server', { concurrency: 1 }, () => {
  let registry: Distribution | undefined;
  let tokens: TokenServer;
  const scope = suiteScope();
  before(async () => {
    tokens = await startTokenServer(scope, { users: { alice: PASSWORD }, anonymousActions: ['pull'], accessTokenField: true, expiresIn: 1 });
    registry = await startDistribution(scope, { token: tokens });
    const image = await buildImage({ layers: [[{ path: 'a.txt', type: 'file', content: 'a\n' }]] });
    const layout = tempDir(scope, 'wharf-authn-layout-');
    await writeOciLayout(layout, [{ image, repoTags: ['x:v1'] }]);
    const copied = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', `alice:${PASSWORD}`, `oci:${layout}:v1`, `docker://${registry!.host}/team/app:v1`]);
    assert.equal(copied.code, 0, copied.stderr);
  });

  it('asks once per scope set, and a pull,push token serves pulls', async (t) => {
    const { client } = newClient(t, registry!, { username: 'alice', password: PASSWORD });
    const start = tokens.requests.length;
    const push = ['repository:team/app:pull,push'];
    assert.equal(await status(client, '/v2/team/app/manifests/v1', push), 200);
    assert.equal(await status(client, '/v2/team/app/tags/list', push), 200);
    assert.equal(await status(client, '/v2/team/app/manifests/v1', ['repository:team/app:pull']), 200);
    const asked = tokens.requests.slice(start);
    assert.deepEqual(asked.map((request) => request.scopes), [push], 'one token (OAuth access_token field) for all three');
    assert.ok(asked.every((request) => request.basic && request.account === 'alice' && request.method === 'GET'));
    assert.equal(await status(client, '/v2/_catalog', ['registry:catalog:*']), 200);
    assert.deepEqual(tokens.requests.slice(start).map((request) => request.scopes), [push, ['registry:catalog:*']]);
  });

  it('keeps a token said to expire in 1 s for 60 s, as Docker does, reading `access_token`', async (t) => {
    const transport = new HttpTransport();
    t.after(() => transport.close());
    const challenge = { realm: tokens.realm, service: tokens.service };
    const token = await requestToken({ transport, challenge, scopes: ['repository:team/app:pull'], credentials: { username: 'alice', password: PASSWORD } });
    assert.match(token.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(token.expiresAt - Date.now() > 55_000 && token.expiresAt - Date.now() <= 60_000, `expires in ${token.expiresAt - Date.now()} ms`);
  });

  it('shares one token request among parallel 401s for the same scopes', async (t) => {
    const transport = new HttpTransport();
    t.after(() => transport.close());
    const authenticator = new Authenticator({ transport, credentials: { username: 'alice', password: PASSWORD } });
    const challenge = `Bearer realm="${tokens.realm}",service="${tokens.service}"`;
    const start = tokens.requests.length;
    const scopes = ['repository:team/parallel:pull'];
    const answers = await Promise.all(Array.from({ length: 5 }, () => authenticator.answer(challenge, scopes)));
    assert.deepEqual(answers, [true, true, true, true, true]);
    assert.equal(tokens.requests.length - start, 1);
    assert.match(authenticator.authorization(scopes) ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(authenticator.authorization(['repository:team/other:pull']), undefined, 'no token for other scopes');
  });

  it('pulls anonymously where the token server allows it, and is refused a push', async (t) => {
    const { client } = newClient(t, registry!);
    const start = tokens.requests.length;
    assert.equal(await status(client, '/v2/team/app/manifests/v1', ['repository:team/app:pull']), 200);
    assert.equal(await status(client, '/v2/team/app/blobs/uploads/', ['repository:team/app:pull,push'], 'POST'), 401);
    assert.ok(tokens.requests.slice(start).every((request) => !request.basic && request.account === undefined));
  });

  it("refuses a wrong password with the token server's words", async (t) => {
    const { client } = newClient(t, registry!, { username: 'alice', password: 'wrong' });
    await assert.rejects(client.request({ method: 'GET', path: '/v2/team/app/tags/list', scopes: ['repository:team/app:pull'] }), (error: Error) => {
      assert.match(error.message, /unauthorized: incorrect username or password$/);
      assert.ok(!error.message.includes('wrong'));
      return true;
    });
  });
});

describe('Authenticator with Basic auth', () => {
  it('sends credentials only after a Basic challenge, and gives up when they were refused', async (t) => {
    const seen: Array<string | undefined> = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      const good = request.headers.authorization === `Basic ${Buffer.from('alice:pw').toString('base64')}`;
      response.writeHead(good ? 200 : 401, good ? {} : { 'www-authenticate': 'Basic realm="test"' }).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const transport = new HttpTransport();
    t.after(() => transport.close());
    const authenticator = new Authenticator({ transport, credentials: { username: 'alice', password: 'pw' } });
    assert.equal(authenticator.authorization([]), undefined, 'nothing before a challenge');
    assert.equal(await authenticator.answer('Basic realm="test"', []), true);
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`);
    const response = await transport.send({ method: 'GET', url, headers: { authorization: authenticator.authorization([])! } });
    response.body.resume();
    assert.equal(response.status, 200);
    assert.deepEqual(seen, [`Basic ${Buffer.from('alice:pw').toString('base64')}`]);
    assert.equal(await authenticator.answer('Basic realm="test"', []), false, 'the same credentials again cannot help');
    const anonymous = new Authenticator({ transport });
    assert.equal(await anonymous.answer('Basic realm="test"', []), false, 'nothing to answer with');
  });
});
