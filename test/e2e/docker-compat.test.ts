// wharf against a real Docker 20.10 engine and skopeo: archives both ways, and images/inspect/history field by field.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { jsonLines, lines, load, ok, runToFile, sha256Hex, UTC, writeArchive } from '../helpers/cli-fixtures.ts';
import { fromBuffer } from '../helpers/byte-source.ts';
import { type BuiltImage, buildImage, busyboxFixture } from '../helpers/image-builder.ts';
import { needPeers, skopeo, startDockerd } from '../helpers/peers.ts';
import { writeTarFile } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';

const INSPECT_FIELDS = ['Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'Config', 'Architecture', 'Variant', 'Os', 'Size', 'RootFS'];

/** Images that exercise what inspect and history print: many config fields, odd times, no history, another platform. */
async function fixtures(): Promise<Array<{ image: BuiltImage; repoTags: string[] }>> {
  const busybox = await busyboxFixture('busybox:latest');
  const rich = await buildImage({
    layers: [{ busybox: true }, [{ path: 'srv', type: 'dir' }, { path: 'srv/data.bin', type: 'file', content: Buffer.alloc(4321, 7) }]],
    mediaTypes: 'docker',
    created: '2022-06-01T10:20:30.123456789+02:00',
    env: ['PATH=/bin', 'GREETING=hello <world> & more'],
    entrypoint: ['/bin/sh', '-c'],
    cmd: ['echo hi'],
    workingDir: '/srv',
    labels: { 'org.example.a': '1', 'org.example.b': 'two words' },
    containerConfig: { User: 'nobody', ExposedPorts: { '80/tcp': {}, '53/udp': {} }, Volumes: { '/data': {} }, StopSignal: 'SIGTERM', OnBuild: ['RUN echo child'] },
    extraConfig: { author: 'wharf tests <tests@example.com>', comment: 'a rich image', docker_version: '20.10.24' },
    history: [
      { created: '2022-06-01T10:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:4f2b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f in / ', comment: 'base' },
      { created: '2022-06-01T10:10:00.5Z', created_by: '/bin/sh -c #(nop)  ENV GREETING=hello', empty_layer: true },
      { created_by: 'COPY data.bin /srv/ # buildkit', comment: 'buildkit.dockerfile.v0' },
      { created: '2022-06-01T10:20:30Z', created_by: '/bin/sh -c #(nop)  CMD ["echo hi"]', empty_layer: true },
    ],
  });
  const noHistory = await buildImage({
    layers: [[{ path: 'n', type: 'file', content: 'no history here\n' }]],
    created: '2021-01-01T00:00:00Z',
    extraConfig: { history: undefined },
  });
  const arm = await buildImage({
    layers: [[{ path: 'arm', type: 'file', content: 'arm64\n' }]],
    created: '2020-02-02T02:02:02Z',
    architecture: 'arm64',
    variant: 'v8',
  });
  return [
    { image: busybox, repoTags: ['busybox:latest'] },
    { image: rich, repoTags: ['rich:1', 'registry.example:5000/team/rich:v1'] },
    { image: noHistory, repoTags: ['nohistory:1'] },
    { image: arm, repoTags: ['arm:1'] },
  ];
}

function pick(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in object).map((key) => [key, object[key]]));
}

/** Header first, then the rows sorted: docker/cli walks an image's repositories in Go map order. */
function rowsSorted(output: string): string[] {
  const [header, ...rows] = lines(output);
  return [header, ...rows.sort()];
}

test('wharf and Docker 20.10 agree', async (t) => {
  const dockerd = await startDockerd(t);
  if (!dockerd) return;
  const docker = (...args: string[]) => dockerd.docker(args, UTC).then((result) => ok(result, `docker ${args.join(' ')}`).stdout);
  const dir = tempDir(t);
  const images = await fixtures();
  const archive = await writeArchive(join(dir, 'fixtures.tar'), 'classic', images);
  const wharf = makeWharf(t);
  const run = (...args: string[]) => wharf.run(args, UTC).then((result) => ok(result, `wharf ${args.join(' ')}`).stdout);

  await t.test('load prints the same lines', async () => {
    assert.equal(await run('load', '-i', archive), await docker('load', '-i', archive));
  });

  await t.test('images prints the same table, JSON rows and variants', async () => {
    for (const args of [[], ['--no-trunc'], ['--digests'], ['-a'], ['-q'], ['--filter', 'label=org.example.a'], ['--filter', 'before=busybox:latest'], ['rich']]) {
      assert.deepEqual(rowsSorted(await run('images', ...args)), rowsSorted(await docker('images', ...args)), `images ${args.join(' ')}`);
    }
    const ours = jsonLines(await run('images', '--format', '{{json .}}'));
    const theirs = jsonLines(await docker('images', '--format', '{{json .}}'));
    const key = (row: Record<string, unknown>) => `${row.ID} ${row.Repository}:${row.Tag}`;
    assert.deepEqual(ours.sort((a, b) => key(a).localeCompare(key(b))), theirs.sort((a, b) => key(a).localeCompare(key(b))));
  });

  for (const { image, repoTags } of images) {
    await t.test(`inspect ${repoTags[0]}: the same ${INSPECT_FIELDS.join(', ')}`, async () => {
      const [ours] = JSON.parse(await run('inspect', repoTags[0])) as Array<Record<string, unknown>>;
      const [theirs] = JSON.parse(await docker('image', 'inspect', repoTags[0])) as Array<Record<string, unknown>>;
      assert.equal(ours.Id, image.id);
      for (const field of INSPECT_FIELDS) assert.deepEqual(ours[field], theirs[field], `${repoTags[0]} ${field}`);
      // no .Id: docker/cli's typed ImageInspect names it ID, so a template with .Id falls back to the raw JSON map
      const template = '{{.Size}} {{json .Config.Labels}} {{.Created}} {{join .RepoTags ","}} {{json .RootFS}} {{.Os}}/{{.Architecture}}';
      assert.equal(await run('inspect', '-f', template, repoTags[0]), await docker('image', 'inspect', '-f', template, repoTags[0]));
    });

    await t.test(`history ${repoTags[0]}: the same rows, JSON and table`, async () => {
      const ours = jsonLines(await run('history', '--format', '{{json .}}', repoTags[0]));
      const theirs = jsonLines(await docker('history', '--format', '{{json .}}', repoTags[0]));
      assert.equal(ours.length, theirs.length);
      ours.forEach((row, i) => {
        for (const field of Object.keys(theirs[i])) assert.deepEqual(row[field], theirs[i][field], `row ${i} ${field}`);
      });
      for (const args of [[], ['--no-trunc'], ['-q'], ['-H=false']]) {
        assert.equal(await run('history', ...args, repoTags[0]), await docker('history', ...args, repoTags[0]), `history ${args.join(' ')}`);
      }
    });
  }

  await t.test('system df prints the same summary and per-image table', async () => {
    assert.equal(await run('system', 'df'), await docker('system', 'df'));
    const perImage = (output: string) => rowsSorted(output.slice(0, output.indexOf('\nContainers space usage:')));
    assert.deepEqual(perImage(await run('system', 'df', '-v')), perImage(await docker('system', 'df', '-v')));
  });

  await t.test('a tag moved by load, then image prune, print the same as Docker', async () => {
    const moved = await busyboxFixture('moved');
    const second = await writeArchive(join(dir, 'moved.tar'), 'oci', [{ image: moved, repoTags: ['busybox:latest'] }]);
    assert.equal(await run('load', '-i', second), await docker('load', '-i', second));
    assert.equal(await run('image', 'prune', '-f'), await docker('image', 'prune', '-f'));
    assert.equal(await run('image', 'prune', '-f'), await docker('image', 'prune', '-f'));
    // put busybox:latest back as the tests below expect it
    assert.equal(await run('load', '-i', archive), await docker('load', '-i', archive));
    await run('image', 'prune', '-f');
    await docker('image', 'prune', '-f');
  });

  await t.test('a `docker save` archive loads into wharf with the same IDs and tags', async () => {
    const saved = join(dir, 'docker-save.tar');
    await docker('save', '-o', saved, 'busybox:latest', 'rich:1');
    const fresh = makeWharf(t);
    assert.deepEqual(lines(await load(fresh, saved)).sort(), ['Loaded image: busybox:latest', 'Loaded image: rich:1']);
    for (const name of ['busybox:latest', 'rich:1']) {
      const template = '{{json .RootFS}} {{.Size}} {{.Created}}';
      assert.equal(ok(await fresh.run(['inspect', '-f', template, name])).stdout, await docker('image', 'inspect', '-f', template, name));
      const id = (await docker('image', 'inspect', '-f', '{{.Id}}', name)).trim();
      assert.equal(ok(await fresh.run(['inspect', '-f', '{{.Id}} {{json .RepoTags}}', name])).stdout, `${id} ["${name}"]\n`);
    }
  });

  await t.test('a `docker save` of an image ID loads untagged', async () => {
    const [{ image }] = images;
    const saved = join(dir, 'docker-save-id.tar');
    await docker('save', '-o', saved, image.id);
    assert.equal(await load(makeWharf(t), saved), `Loaded image ID: ${image.id}\n`);
  });

  await t.test('a `docker import`ed image, saved by Docker, inspects and lists the same in wharf', async () => {
    const rootfs = join(dir, 'rootfs.tar');
    await writeTarFile(rootfs, [{ name: 'hello', type: 'file', body: fromBuffer(Buffer.from('hi\n')) }]);
    const id = (await docker('import', '-c', 'CMD ["sh"]', '-c', 'ENV A=1', '-m', 'from docker', rootfs, 'dimported:1')).trim();
    const saved = join(dir, 'imported.tar');
    await docker('save', '-o', saved, 'dimported:1');
    const fresh = makeWharf(t);
    assert.equal(await load(fresh, saved), 'Loaded image: dimported:1\n');
    const [ours] = JSON.parse(ok(await fresh.run(['inspect', 'dimported:1'])).stdout) as Array<Record<string, unknown>>;
    const [theirs] = JSON.parse(await docker('image', 'inspect', 'dimported:1')) as Array<Record<string, unknown>>;
    assert.equal(ours.Id, id);
    assert.deepEqual(pick(ours, ['Id', 'RepoTags', 'Comment', 'Created', 'Architecture', 'Os', 'Size', 'RootFS']), pick(theirs, ['Id', 'RepoTags', 'Comment', 'Created', 'Architecture', 'Os', 'Size', 'RootFS']));
    const history = ['history', '--format', '{{.CreatedBy}}|{{.Size}}|{{.Comment}}', 'dimported:1'];
    assert.equal(ok(await fresh.run(history)).stdout, await docker(...history));
  });

  await t.test('`wharf save` output loads into `docker load` with the same IDs, and runs', async () => {
    const fresh = makeWharf(t);
    const gzipped = await busyboxFixture('fromwharf/busybox:1', { compression: 'gzip' });
    await load(fresh, await writeArchive(join(dir, 'gz.tar'), 'oci', [{ image: gzipped, repoTags: ['fromwharf/busybox:1'] }]));
    const rootfs = join(dir, 'rootfs-w.tar');
    await writeTarFile(rootfs, [{ name: 'w', type: 'file', body: fromBuffer(Buffer.from('from wharf\n')) }]);
    const importedId = ok(await fresh.run(['import', '-c', 'CMD ["sh"]', rootfs, 'fromwharf/imported:1'])).stdout.trim();
    const saved = join(dir, 'wharf-save.tar');
    ok(await fresh.run(['save', '-o', saved, 'fromwharf/busybox:1', 'fromwharf/imported:1']));
    assert.deepEqual(lines(await docker('load', '-i', saved)).sort(), ['Loaded image: fromwharf/busybox:1', 'Loaded image: fromwharf/imported:1']);
    assert.equal(await docker('image', 'inspect', '-f', '{{.Id}} {{json .RootFS.Layers}}', 'fromwharf/busybox:1'), `${gzipped.id} ${JSON.stringify(gzipped.diffIds)}\n`);
    assert.equal((await docker('image', 'inspect', '-f', '{{.Id}}', 'fromwharf/imported:1')).trim(), importedId);
    const hello = await dockerd.docker(['run', '--rm', '--network', 'none', 'fromwharf/busybox:1', '/app/hello.sh']);
    assert.equal(hello.code, 0, hello.stderr);
    assert.match(hello.stdout, /^hello from \S+\n$/);
  });

  await t.test('rmi prints the same Untagged and Deleted lines, and the same conflict', async () => {
    const rich = images[1].image.id.slice(7, 19);
    const conflict = await wharf.run(['rmi', rich]);
    const dockerConflict = await dockerd.docker(['rmi', rich]);
    assert.deepEqual([conflict.code, conflict.stderr], [dockerConflict.code, dockerConflict.stderr]);
    assert.equal(await run('rmi', '-f', rich), await docker('rmi', '-f', rich));
    assert.equal(await run('rmi', 'arm:1', 'nohistory:1'), await docker('rmi', 'arm:1', 'nohistory:1'));
  });

  await t.test('skopeo reads `wharf save` output as a docker-archive and copies it', async (t2) => {
    if (!needPeers(t2, 'skopeo')) return;
    const fresh = makeWharf(t);
    const image = await busyboxFixture('skopeo/busybox:1', { compression: 'gzip' });
    await load(fresh, await writeArchive(join(dir, 'sk.tar'), 'oci', [{ image, repoTags: ['skopeo/busybox:1'] }]));
    const saved = join(dir, 'for-skopeo.tar');
    ok(await runToFile(fresh, ['save', 'skopeo/busybox:1'], saved));
    const config = await skopeo(['inspect', '--config', '--raw', `docker-archive:${saved}`]);
    assert.equal(config.code, 0, config.stderr);
    assert.equal(`sha256:${sha256Hex(Buffer.from(config.stdout))}`, image.id);
    const inspected = await skopeo(['inspect', `docker-archive:${saved}`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    const info = JSON.parse(inspected.stdout) as { Layers: string[]; Architecture: string; Os: string };
    // skopeo names docker-archive layers by their diff IDs, whatever compression the files have
    assert.deepEqual(info.Layers, image.diffIds);
    assert.equal(`${info.Os}/${info.Architecture}`, 'linux/amd64');
    const copy = await skopeo(['copy', '-q', `docker-archive:${saved}`, `oci:${join(dir, 'skopeo-oci')}:copied`]);
    assert.equal(copy.code, 0, copy.stderr);
  });
});
