// `wharf pull` from the real CNCF distribution registry: Docker's lines, digests and IDs as skopeo and Docker see them,
// shared layers, pull by digest and of all tags, platforms of an index, and Docker's errors.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { failsWithOneLine, hex, ingestFiles, jsonLines, lines, ok, writeArchive } from '../helpers/cli-fixtures.ts';
import { buildImage, busyboxFixture, type BuiltImage } from '../helpers/image-builder.ts';
import { skopeo, startDistribution, startDockerd, type Distribution } from '../helpers/peers.ts';
import { seedImage, seedIndex } from '../helpers/registry-seed.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

const short = (digest: string) => hex(digest).slice(0, 12);

describe('wharf pull', { concurrency: 4 }, () => {
  let registry: Distribution | undefined;
  let busybox: BuiltImage;

  const scope = suiteScope();
  before(async () => {
    registry = await startDistribution(scope);
    busybox = await busyboxFixture('busybox:latest', { compression: 'gzip' });
    await seedImage(registry!.url, 'team/busybox', busybox, 'v1');
    await seedImage(registry!.url, 'team/busybox', busybox, 'v2');
  });

  it("prints Docker's lines when piped and records the image, its tag and its repo digest", async (t) => {
    const wharf = makeWharf(t);
    const name = `${registry!.host}/team/busybox:v1`;
    const result = ok(await wharf.run(['pull', name]));
    const layerIds = busybox.layers.map((layer) => short(layer.digest));
    const output = lines(result.stdout);
    assert.equal(output[0], 'v1: Pulling from team/busybox');
    assert.deepEqual(output.slice(-3), [`Digest: ${busybox.manifestDigest}`, `Status: Downloaded newer image for ${name}`, name]);
    for (const id of layerIds) {
      const mine = output.filter((line) => line.startsWith(`${id}: `));
      assert.deepEqual(mine, ['Pulling fs layer', 'Verifying Checksum', 'Download complete', 'Pull complete'].map((status) => `${id}: ${status}`));
    }
    const inspected = ok(await wharf.run(['inspect', '-f', '{{.Id}} {{json .RepoTags}} {{json .RepoDigests}} {{json .RootFS.Layers}}', name])).stdout.trim();
    assert.equal(inspected, `${busybox.id} ${JSON.stringify([name])} ${JSON.stringify([`${registry!.host}/team/busybox@${busybox.manifestDigest}`])} ${JSON.stringify(busybox.diffIds)}`);
    assert.deepEqual(ingestFiles(wharf.root), []);
  });

  it('says "Already exists" for stored layers and "Image is up to date" for a tag already there', async (t) => {
    const wharf = makeWharf(t);
    ok(await wharf.run(['pull', `${registry!.host}/team/busybox:v1`]));
    const again = lines(ok(await wharf.run(['pull', `${registry!.host}/team/busybox:v1`])).stdout);
    for (const layer of busybox.layers) assert.ok(again.includes(`${short(layer.digest)}: Already exists`), again.join('\n'));
    assert.ok(again.includes(`Status: Image is up to date for ${registry!.host}/team/busybox:v1`));
    const other = lines(ok(await wharf.run(['pull', `${registry!.host}/team/busybox:v2`])).stdout);
    assert.ok(other.includes(`Status: Downloaded newer image for ${registry!.host}/team/busybox:v2`), other.join('\n'));
    assert.ok(!other.some((line) => line.endsWith('Pull complete')), 'no layer fetched twice');
  });

  it('pulls by digest without tagging, and refuses bytes that do not match the digest', async (t) => {
    const wharf = makeWharf(t);
    const name = `${registry!.host}/team/busybox@${busybox.manifestDigest}`;
    const output = lines(ok(await wharf.run(['pull', name])).stdout);
    assert.equal(output[0], `${busybox.manifestDigest}: Pulling from team/busybox`);
    assert.equal(output.at(-1), name);
    assert.equal(ok(await wharf.run(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}'])).stdout, `${registry!.host}/team/busybox <none> ${busybox.manifestDigest}\n`);
    const wrong = `${registry!.host}/team/busybox@sha256:${'0'.repeat(64)}`;
    failsWithOneLine(await wharf.run(['pull', wrong]), /manifest for .*@sha256:0{64} not found: manifest unknown/);
  });

  it('pulls every tag with -a', async (t) => {
    const wharf = makeWharf(t);
    const output = lines(ok(await wharf.run(['pull', '-a', `${registry!.host}/team/busybox`])).stdout);
    assert.ok(output.includes('v1: Pulling from team/busybox') && output.includes('v2: Pulling from team/busybox'), output.join('\n'));
    assert.equal(output.at(-1), `${registry!.host}/team/busybox`);
    const tags = ok(await wharf.run(['images', '--format', '{{.Tag}}'])).stdout;
    assert.deepEqual(lines(tags).sort(), ['v1', 'v2']);
    failsWithOneLine(await wharf.run(['pull', '-a', `${registry!.host}/team/busybox:v1`]), /^tag can't be used with --all-tags\/-a$/);
  });

  it('prints one JSON message per line with --progress=json, and only the name with -q', async (t) => {
    const wharf = makeWharf(t);
    const messages = jsonLines(ok(await wharf.run(['pull', '--progress=json', `${registry!.host}/team/busybox:v1`])).stdout);
    assert.deepEqual(messages[0], { status: 'Pulling from team/busybox', id: 'v1' });
    assert.ok(messages.some((message) => message.status === 'Downloading' && (message.progressDetail as { total: number }).total > 0));
    assert.equal(ok(await wharf.run(['pull', '-q', `${registry!.host}/team/busybox:v2`])).stdout, `${registry!.host}/team/busybox:v2\n`);
  });

  it("picks the host's platform from an index, another with --platform, and gives Docker's error for a missing one", async (t) => {
    const wharf = makeWharf(t);
    const amd64 = await buildImage({ layers: [[{ path: 'arch', type: 'file', content: 'amd64\n' }]], architecture: 'amd64', compression: 'gzip' });
    const arm64 = await buildImage({ layers: [[{ path: 'arch', type: 'file', content: 'arm64\n' }]], architecture: 'arm64', variant: 'v8', compression: 'gzip' });
    const { digest } = await seedIndex(registry!.url, 'team/multi', 'latest', [
      { image: amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { image: arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    const name = `${registry!.host}/team/multi:latest`;
    const output = lines(ok(await wharf.run(['pull', name])).stdout);
    assert.ok(output.includes(`Digest: ${digest}`), 'the index digest is what the name points at');
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}} {{.Architecture}} {{json .RepoDigests}}', name])).stdout.trim(), `${amd64.id} amd64 ${JSON.stringify([`${registry!.host}/team/multi@${digest}`])}`);
    ok(await wharf.run(['pull', '--platform', 'linux/arm64', name]));
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}} {{.Architecture}} {{.Variant}}', name])).stdout.trim(), `${arm64.id} arm64 v8`);
    // Docker resolves the index before it looks for the platform, so its "Pulling from" line comes first.
    const missing = await wharf.run(['pull', '--platform', 'linux/s390x', name]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, 'latest: Pulling from team/multi\n');
    assert.equal(missing.stderr, 'Error response from daemon: no matching manifest for linux/s390x in the manifest list entries\n');
  });

  it("names an unknown tag, an unreachable registry and a malformed reference as Docker does", async (t) => {
    const wharf = makeWharf(t);
    failsWithOneLine(await wharf.run(['pull', `${registry!.host}/team/busybox:nope`]), new RegExp(`^Error response from daemon: manifest for ${registry!.host}/team/busybox:nope not found: manifest unknown: manifest unknown$`));
    failsWithOneLine(await wharf.run(['pull', '127.0.0.1:1/team/busybox:v1']), /^Error response from daemon: Get "http:\/\/127\.0\.0\.1:1\/v2\/": dial tcp 127\.0\.0\.1:1: connect: connection refused$/);
    const bad = await wharf.run(['pull', 'Team/Busybox']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^invalid reference format: repository name \(Busybox\) must be lowercase\n$/);
    assert.equal(ok(await wharf.run(['images', '-q'])).stdout, '');
  });

  it('pulls layers of many MiB at once whole: their downloads gathered into chunks that are filled again once used', async (t) => {
    const wharf = makeWharf(t);
    // text that inflates slowly beside random bytes that do not: the decompressor falls behind the download and back
    const text = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i} of a layer\n`).join(''));
    const layers = [0, 1, 2].map((i) => [{ path: `data-${i}`, type: 'file' as const, content: Buffer.concat([text, randomBytes(6 << 20), text]) }]);
    const image = await buildImage({ layers, compression: 'gzip' });
    await seedImage(registry!.url, 'team/big', image, 'v1');
    ok(await wharf.run(['pull', '-q', `${registry!.host}/team/big:v1`]));
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{json .RootFS.Layers}}', `${registry!.host}/team/big:v1`])).stdout.trim(), JSON.stringify(image.diffIds));
    ok(await wharf.run(['system', 'check']), 'every stored blob hashes to its digest');
    assert.deepEqual(ingestFiles(wharf.root), []);
  });

  it('pulls what skopeo pushed, with the digest skopeo reports', async (t) => {
    const wharf = makeWharf(t);
    const image = await busyboxFixture('skopeo/app:1');
    const archive = await writeArchive(join(tempDir(t), 'app.tar'), 'oci', [{ image, repoTags: ['skopeo/app:1'] }]);
    const target = `docker://${registry!.host}/skopeo/app:1`;
    ok(await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${archive}`, target]), 'skopeo copy');
    const digest = JSON.parse(ok(await skopeo(['inspect', '--tls-verify=false', target])).stdout).Digest as string;
    const output = lines(ok(await wharf.run(['pull', `${registry!.host}/skopeo/app:1`])).stdout);
    assert.ok(output.includes(`Digest: ${digest}`), output.join('\n'));
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', `${registry!.host}/skopeo/app:1`])).stdout.trim(), image.id);
  });

  it('prints what docker pull prints, and stores the image under the ID Docker gives it', async (t) => {
    const dockerd = await startDockerd(t);
    if (!dockerd) return;
    const wharf = makeWharf(t);
    const name = `${registry!.host}/team/busybox:v1`;
    const theirs = ok(await dockerd.docker(['pull', name]), 'docker pull');
    const mine = ok(await wharf.run(['pull', name]));
    // Docker's progress broadcast keeps only a layer's latest status for a slow reader, so these two may be skipped.
    const steady = (text: string) => lines(text).filter((line) => !/: (Verifying Checksum|Waiting)$/.test(line)).sort();
    assert.deepEqual(steady(mine.stdout), steady(theirs.stdout));
    const format = '{{.Id}} {{json .RepoTags}} {{json .RepoDigests}} {{json .RootFS.Layers}}';
    assert.equal(ok(await wharf.run(['inspect', '-f', format, name])).stdout, ok(await dockerd.docker(['inspect', '-f', format, name])).stdout);
    const theirError = await dockerd.docker(['pull', `${registry!.host}/team/busybox:nope`]);
    const myError = await wharf.run(['pull', `${registry!.host}/team/busybox:nope`]);
    assert.equal(myError.stderr, theirError.stderr);
    assert.equal(myError.code, theirError.code);
  });
});
