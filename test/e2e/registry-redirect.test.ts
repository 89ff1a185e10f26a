// Blob downloads redirected to storage elsewhere (as registries on S3 answer with a signed URL): followed, and the
// registry's credentials are not sent to the other host.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxFixture } from '../helpers/image-builder.ts';
import { startDistribution } from '../helpers/peers.ts';
import { seedImage } from '../helpers/registry-seed.ts';
import { makeWharf } from '../helpers/wharf-cli.ts';

const USER = 'bob';
const PASSWORD = 'redirect-test-pw';
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

async function listen(t: TestContext, server: ReturnType<typeof createServer>): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.on('connection', (socket) => t.after(() => socket.destroy()));
  return (server.address() as AddressInfo).port;
}

/** Forwards one request to the registry, with `authorization` as given, and streams the answer back. */
function forward(port: number, path: string, method: string, headers: IncomingHttpHeaders, outgoing: import('node:http').ServerResponse): void {
  const upstream = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (response) => {
    outgoing.writeHead(response.statusCode ?? 502, response.headers);
    response.pipe(outgoing);
  });
  upstream.on('error', () => outgoing.destroy());
  upstream.end();
}

describe('redirects', () => {
  it('follows a blob redirect to another host without the Authorization header', async (t) => {
    const registry = await startDistribution(t, { htpasswd: { [USER]: PASSWORD } });
    if (!registry) return;
    const image = await busyboxFixture('busybox:latest', { compression: 'gzip' });
    const storageSaw: Array<string | undefined> = [];
    // "Blob storage": serves blobs by path with its own access to the registry, and records what the client sent it.
    const storagePort = await listen(t, createServer((incoming, outgoing) => {
      storageSaw.push(incoming.headers.authorization);
      forward(registry.port, incoming.url ?? '/', 'GET', { authorization: basic }, outgoing);
    }));
    // The registry's front: blob GETs answer 307 to the storage host, everything else passes through.
    const frontPort = await listen(t, createServer((incoming, outgoing) => {
      if (incoming.method === 'GET' && /\/blobs\/sha256:/.test(incoming.url ?? '')) {
        outgoing.writeHead(307, { location: `http://127.0.0.1:${storagePort}${incoming.url}` }).end();
        return;
      }
      forward(registry.port, incoming.url ?? '/', incoming.method ?? 'GET', incoming.headers, outgoing);
    }));
    await seedImage(registry.url, 'team/app', image, 'v1', { authorization: basic });
    const wharf = makeWharf(t);
    const host = `127.0.0.1:${frontPort}`;
    ok(await wharf.run(['login', '-u', USER, '--password-stdin', host], { input: PASSWORD }), 'login');
    ok(await wharf.run(['pull', `${host}/team/app:v1`]));
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', `${host}/team/app:v1`])).stdout.trim(), image.id);
    assert.ok(storageSaw.length >= image.layers.length + 1, `storage served ${storageSaw.length} blobs`);
    assert.deepEqual(storageSaw.filter(Boolean), [], 'no credentials sent to the storage host');
  });
});
