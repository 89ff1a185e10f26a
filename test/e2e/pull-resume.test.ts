// A pull killed with -9 halfway through a layer resumes on the next try: the store keeps the bytes that arrived and
// asks the registry only for the rest (a Range request), then verifies the whole blob as usual.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ingestFiles, lines, ok, WHARF_BIN } from '../helpers/cli-fixtures.ts';
import { buildImage } from '../helpers/image-builder.ts';
import { startDistribution } from '../helpers/peers.ts';
import { seedImage } from '../helpers/registry-seed.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

/** Forwards to the registry, remembering each request's headers, and slows blob bodies down while `slow` is set. */
async function slowProxy(t: Parameters<typeof makeWharf>[0] & object, target: number) {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const state = { slow: true };
  const server = createServer((incoming, outgoing) => {
    seen.push({ url: incoming.url ?? '', headers: incoming.headers });
    const upstream = httpRequest({ host: '127.0.0.1', port: target, path: incoming.url, method: incoming.method, headers: incoming.headers }, async (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      const throttle = state.slow && /\/blobs\/sha256:/.test(incoming.url ?? '');
      for await (const chunk of response) {
        if (!outgoing.write(chunk)) await once(outgoing, 'drain');
        if (throttle) await sleep(20);
      }
      outgoing.end();
    });
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t!.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.on('connection', (socket) => t!.after(() => socket.destroy()));
  return { port: (server.address() as AddressInfo).port, seen, state };
}

describe('resuming a pull', () => {
  it('goes on from the bytes a killed pull left, with a Range request', async (t) => {
    const registry = await startDistribution(t);
    if (!registry) return;
    const image = await buildImage({ layers: [[{ path: 'noise.bin', type: 'file', content: randomBytes(6 << 20) }]], compression: 'gzip' });
    await seedImage(registry.url, 'team/big', image, 'v1');
    const proxy = await slowProxy(t, registry.port);
    const wharf = makeWharf(t);
    const name = `127.0.0.1:${proxy.port}/team/big:v1`;
    const child = spawn(WHARF_BIN, ['pull', name], { env: { ...process.env, WHARF_ROOT: wharf.root, DOCKER_CONFIG: tempDir(t) }, stdio: 'ignore' });
    const ingest = join(wharf.root, 'ingest');
    let partial: string | undefined;
    for (let i = 0; i < 600 && !partial; i++) {
      await sleep(50);
      partial = (existsSync(ingest) ? readdirSync(ingest) : []).find((file) => file.includes('-resume-') && statSync(join(ingest, file)).size > 1 << 20);
    }
    assert.ok(partial, 'the pull wrote part of the layer');
    child.kill('SIGKILL');
    await once(child, 'exit');
    const held = statSync(join(ingest, partial)).size;
    assert.equal(ok(await wharf.run(['images', '-q'])).stdout, '', 'nothing recorded by the killed pull');

    proxy.state.slow = false;
    const output = lines(ok(await wharf.run(['pull', name])).stdout);
    assert.equal(output.at(-1), name);
    const ranges = proxy.seen.map((request) => request.headers.range).filter(Boolean);
    assert.equal(ranges.length, 1, JSON.stringify(ranges));
    const start = Number(/^bytes=(\d+)-$/.exec(String(ranges[0]))?.[1]);
    assert.ok(start > 0 && start >= held - (1 << 20) && start <= statSync(join(wharf.root, 'blobs', 'sha256', image.layers[0].digest.slice(7))).size, `resumed at ${start}, held ${held}`);
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', name])).stdout.trim(), image.id);
    assert.deepEqual(ingestFiles(wharf.root), []);
  });
});
