// daemon.json's registry-mirrors: Docker Hub images come from the mirror first; other registries never go through it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lines, ok } from '../helpers/cli-fixtures.ts';
import { busyboxFixture } from '../helpers/image-builder.ts';
import { startDistribution } from '../helpers/peers.ts';
import { seedImage } from '../helpers/registry-seed.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

describe('registry mirrors', () => {
  it('pulls a Docker Hub name through the configured mirror, and falls back past a dead one', async (t) => {
    const mirror = await startDistribution(t);
    if (!mirror) return;
    const image = await busyboxFixture('busybox:latest', { compression: 'gzip' });
    await seedImage(mirror.url, 'library/busybox', image, 'latest');
    const config = join(tempDir(t), 'daemon.json');
    writeFileSync(config, JSON.stringify({ 'registry-mirrors': ['http://127.0.0.1:1', mirror.url] }));
    const wharf = makeWharf(t);
    const output = lines(ok(await wharf.run(['pull', 'busybox'], { env: { WHARF_CONFIG: config } })).stdout);
    assert.deepEqual(output.slice(0, 2), ['Using default tag: latest', 'latest: Pulling from library/busybox']);
    assert.deepEqual(output.slice(-3), [`Digest: ${image.manifestDigest}`, 'Status: Downloaded newer image for busybox:latest', 'docker.io/library/busybox:latest']);
    const inspected = ok(await wharf.run(['inspect', '-f', '{{.Id}} {{json .RepoTags}} {{json .RepoDigests}}', 'busybox'], { env: { WHARF_CONFIG: config } })).stdout.trim();
    assert.equal(inspected, `${image.id} ["busybox:latest"] ["busybox@${image.manifestDigest}"]`);
  });
});
