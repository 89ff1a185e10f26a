// `wharf push` to the real distribution registry: Docker's lines, digests skopeo and Docker agree with, byte-for-byte
// manifests for pulled images, compression done once and streamed into the upload, cross-repository mounts, -a, and Docker's errors.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { failsWithOneLine, hex, lines, ok, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxFixture, type BuiltImage } from '../helpers/image-builder.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { skopeo, startDistribution, startDockerd, type Distribution } from '../helpers/peers.ts';
import { seedImage } from '../helpers/registry-seed.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const short = (digest: string) => hex(digest).slice(0, 12);

async function loadBusybox(t: Parameters<typeof makeWharf>[0], name: string): Promise<{ wharf: Wharf; image: BuiltImage }> {
  const wharf = makeWharf(t);
  const image = await busyboxFixture(name);
  const archive = await writeArchive(join(tempDir(t), 'image.tar'), 'classic', [{ image, repoTags: [name] }]);
  ok(await wharf.run(['load', '-i', archive]));
  return { wharf, image };
}

function pushedDigest(stdout: string): string {
  const match = /: digest: (sha256:[0-9a-f]{64}) size: \d+$/.exec(lines(stdout).at(-1) ?? '');
  assert.ok(match, stdout);
  return match[1];
}

describe('wharf push', { concurrency: 4 }, () => {
  let registry: Distribution | undefined;
  const scope = suiteScope();
  before(async () => {
    registry = await startDistribution(scope);
  });

  it("pushes a loaded image with Docker's lines, and skopeo sees the digest it printed", async (t) => {
    const name = `${registry!.host}/team/loaded:v1`;
    const { wharf, image } = await loadBusybox(t, name);
    const result = ok(await wharf.run(['push', name]));
    const output = lines(result.stdout);
    assert.equal(output[0], `The push refers to repository [${registry!.host}/team/loaded]`);
    const ids = image.diffIds.map(short).reverse();
    assert.deepEqual(output.filter((line) => line.endsWith('Preparing')), ids.map((id) => `${id}: Preparing`));
    for (const id of ids) assert.ok(output.includes(`${id}: Pushed`), output.join('\n'));
    const digest = pushedDigest(result.stdout);
    const inspected = JSON.parse(ok(await skopeo(['inspect', '--tls-verify=false', `docker://${name}`])).stdout);
    assert.equal(inspected.Digest, digest);
    assert.deepEqual(inspected.Layers.length, image.layers.length);
    const config = JSON.parse(ok(await skopeo(['inspect', '--config', '--raw', '--tls-verify=false', `docker://${name}`])).stdout);
    assert.deepEqual(config.rootfs.diff_ids, image.diffIds);
    const repoDigests = ok(await wharf.run(['inspect', '-f', '{{json .RepoDigests}}', name])).stdout.trim();
    assert.equal(repoDigests, JSON.stringify([`${registry!.host}/team/loaded@${digest}`]));
  });

  it('pushes again with "Layer already exists", without compressing again: the same digest', async (t) => {
    const name = `${registry!.host}/team/again:v1`;
    const { wharf } = await loadBusybox(t, name);
    const first = pushedDigest(ok(await wharf.run(['push', name])).stdout);
    const second = ok(await wharf.run(['push', name])).stdout;
    assert.equal(pushedDigest(second), first);
    assert.equal(lines(second).filter((line) => line.endsWith('Layer already exists')).length, 2);
  });

  it("gzips a loaded image's layers into their uploads, keeps the gzip, and a second registry gets the same manifest", async (t) => {
    const proxy = await startFaultProxy(t, registry!.url);
    const name = `${proxy.host}/team/streamed:v1`;
    const { wharf, image } = await loadBusybox(t, name);
    const digest = pushedDigest(ok(await wharf.run(['push', name])).stdout);
    // Docker's streamed upload: the layer's bytes in one PATCH as they are made, then a PUT naming the digest.
    const patches = proxy.log.filter((line) => line.startsWith('PATCH /v2/team/streamed/blobs/uploads/'));
    assert.equal(patches.length, image.layers.length, proxy.log.join('\n'));
    const manifest = JSON.parse(ok(await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${name}`])).stdout);
    for (const [i, layer] of manifest.layers.entries()) {
      const blob = Buffer.from(await (await fetch(`${registry!.url}/v2/team/streamed/blobs/${layer.digest}`)).arrayBuffer());
      assert.equal(`sha256:${createHash('sha256').update(gunzipSync(blob)).digest('hex')}`, image.diffIds[i]);
    }
    const other = (await startDistribution(t))!;
    const elsewhere = `${other.host}/team/streamed:v1`;
    ok(await wharf.run(['tag', name, elsewhere]));
    const again = ok(await wharf.run(['push', elsewhere])).stdout;
    assert.equal(pushedDigest(again), digest);
    assert.equal(lines(again).filter((line) => line.endsWith(': Pushed')).length, image.layers.length, 'the kept gzip blobs are sent');
  });

  it('keeps the digest of a pulled image byte for byte, mounting its layers from the repository it came from', async (t) => {
    const wharf = makeWharf(t);
    const image = await busyboxFixture('busybox:latest', { compression: 'gzip' });
    await seedImage(registry!.url, 'team/origin', image, 'v1');
    ok(await wharf.run(['pull', `${registry!.host}/team/origin:v1`]));
    ok(await wharf.run(['tag', `${registry!.host}/team/origin:v1`, `${registry!.host}/team/copy:v1`]));
    const result = ok(await wharf.run(['push', `${registry!.host}/team/copy:v1`]));
    assert.equal(pushedDigest(result.stdout), image.manifestDigest);
    const mounted = lines(result.stdout).filter((line) => line.endsWith('Mounted from team/origin'));
    assert.equal(mounted.length, image.layers.length, result.stdout);
  });

  it('uploads in PATCH chunks when WHARF_UPLOAD_CHUNK_SIZE asks, to the same digest', async (t) => {
    const name = `${registry!.host}/team/chunked:v1`;
    const { wharf, image } = await loadBusybox(t, name);
    const digest = pushedDigest(ok(await wharf.run(['push', name], { env: { WHARF_UPLOAD_CHUNK_SIZE: String(100_000) } })).stdout);
    const again = makeWharf(t);
    ok(await again.run(['pull', `${registry!.host}/team/chunked@${digest}`]));
    assert.equal(ok(await again.run(['inspect', '-f', '{{.Id}}', `${registry!.host}/team/chunked@${digest}`])).stdout.trim(), image.id);
  });

  it('pushes every tag with -a, and only latest without a tag', async (t) => {
    const { wharf } = await loadBusybox(t, `${registry!.host}/team/all:a`);
    ok(await wharf.run(['tag', `${registry!.host}/team/all:a`, `${registry!.host}/team/all:b`]));
    const output = lines(ok(await wharf.run(['push', '-a', `${registry!.host}/team/all`])).stdout);
    assert.equal(output.filter((line) => /^(a|b): digest: /.test(line)).length, 2, output.join('\n'));
    const tags = JSON.parse(ok(await skopeo(['list-tags', '--tls-verify=false', `docker://${registry!.host}/team/all`])).stdout).Tags;
    assert.deepEqual(tags.sort(), ['a', 'b']);
    const missing = await wharf.run(['push', `${registry!.host}/team/all`]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, `Using default tag: latest\nThe push refers to repository [${registry!.host}/team/all]\n`);
    assert.equal(missing.stderr, `tag does not exist: ${registry!.host}/team/all:latest\n`);
  });

  it('names an image that does not exist locally and an unreachable registry', async (t) => {
    const wharf = makeWharf(t);
    // Docker reports push errors inside its progress stream, so they come bare, after the first line.
    const none = await wharf.run(['push', '-a', `${registry!.host}/team/none`]);
    assert.equal(none.code, 1);
    assert.equal(none.stdout, `The push refers to repository [${registry!.host}/team/none]\n`);
    assert.equal(none.stderr, `An image does not exist locally with the tag: ${registry!.host}/team/none\n`);
    const { wharf: loaded } = await loadBusybox(t, '127.0.0.1:1/team/app:v1');
    const down = await loaded.run(['push', '127.0.0.1:1/team/app:v1']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^Get "http:\/\/127\.0\.0\.1:1\/v2\/": dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/);
  });

  it('pushes what real Docker then pulls and runs under the same image ID', async (t) => {
    const dockerd = await startDockerd(t);
    if (!dockerd) return;
    const name = `${registry!.host}/team/for-docker:v1`;
    const { wharf, image } = await loadBusybox(t, name);
    ok(await wharf.run(['push', name]));
    ok(await dockerd.docker(['pull', name]), 'docker pull');
    assert.equal(ok(await dockerd.docker(['inspect', '-f', '{{.Id}}', name])).stdout.trim(), image.id);
    for (const args of [['push', `${registry!.host}/team/not-here:v1`], ['push', '-a', `${registry!.host}/team/not-here`]]) {
      const theirs = await dockerd.docker(args);
      const mine = await wharf.run(args);
      assert.deepEqual([mine.code, mine.stdout, mine.stderr], [theirs.code, theirs.stdout, theirs.stderr]);
    }
  });
});
