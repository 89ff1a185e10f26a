// `wharf import`: a root filesystem tarball (plain or compressed, file, stdin or URL) becomes a one-layer image.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { fromBuffer } from '../helpers/byte-source.ts';
import {
  blobFiles,
  COMPRESSORS,
  compressFile,
  failsWithOneLine,
  jsonLines,
  lines,
  ok,
  storeState,
  UTC,
} from '../helpers/cli-fixtures.ts';
import { writeTarFile } from '../helpers/tar-writer.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const HOST_ARCH = process.arch === 'x64' ? 'amd64' : process.arch;

/** A tiny root filesystem: 12 bytes of files, so Docker's size rule gives 12. */
async function rootfs(t: TestContext): Promise<{ dir: string; tar: string; diffId: string }> {
  const dir = tempDir(t);
  const tar = join(dir, 'rootfs.tar');
  const { digest } = await writeTarFile(tar, [
    { name: 'etc', type: 'directory' },
    { name: 'etc/hostname', type: 'file', body: fromBuffer(Buffer.from('imported\n')) },
    { name: 'hello', type: 'file', body: fromBuffer(Buffer.from('hi\n')) },
  ]);
  return { dir, tar, diffId: digest };
}

async function inspect(wharf: Wharf, name: string): Promise<Record<string, any>> {
  return (JSON.parse(ok(await wharf.run(['inspect', name])).stdout) as Array<Record<string, any>>)[0];
}

describe('wharf import', () => {
  it('prints only the new image ID, and makes a one-layer image of the tarball', async (t) => {
    const wharf = makeWharf(t);
    const { tar, diffId } = await rootfs(t);
    const before = Date.now();
    const result = ok(await wharf.run(['import', tar, 'myimage:1']));
    assert.match(result.stdout, /^sha256:[a-f0-9]{64}\n$/);
    assert.equal(result.stderr, '');
    const image = await inspect(wharf, 'myimage:1');
    assert.equal(image.Id, result.stdout.trim());
    assert.deepEqual(image.RepoTags, ['myimage:1']);
    assert.deepEqual(image.RootFS, { Type: 'layers', Layers: [diffId] });
    assert.equal(image.Size, 12);
    assert.equal(image.Comment, 'Imported from -');
    assert.equal(image.Architecture, HOST_ARCH);
    assert.equal(image.Os, 'linux');
    assert.ok(Date.parse(image.Created) >= before - 1000 && Date.parse(image.Created) <= Date.now() + 1000, image.Created);
    assert.ok(blobFiles(wharf.root).includes(diffId.slice(7)), 'the layer is stored uncompressed under its diff ID');
  });

  it('shows one history row with the comment and the layer size', async (t) => {
    const wharf = makeWharf(t);
    const { tar } = await rootfs(t);
    const id = ok(await wharf.run(['import', '-m', 'from a template', tar, 'myimage:1'])).stdout.trim();
    const [row, ...rest] = jsonLines(ok(await wharf.run(['history', '--format', '{{json .}}', 'myimage:1'], UTC)).stdout);
    assert.equal(rest.length, 0);
    assert.equal(row.ID, id.slice(7, 19));
    assert.equal(row.CreatedBy, '');
    assert.equal(row.Comment, 'from a template');
    assert.equal(row.Size, '12B');
    // a loaded machine may take a second or two between the import and the listing
    assert.match(ok(await wharf.run(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Size}} {{.CreatedSince}}'])).stdout, /^myimage:1 12B (Less than a second|\d seconds?) ago\n$/);
  });

  it('prints CreatedAt of an imported image to the second, as docker/cli does (time.Unix(created, 0))', async (t) => {
    const wharf = makeWharf(t);
    const { tar } = await rootfs(t);
    ok(await wharf.run(['import', tar, 'myimage:1']));
    const created = ok(await wharf.run(['images', '--format', '{{.CreatedAt}}'], UTC)).stdout;
    assert.match(created, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\n$/);
  });

  it('applies every kind of --change and takes -m as the comment', async (t) => {
    const wharf = makeWharf(t);
    const { tar } = await rootfs(t);
    const changes = [
      'CMD ["sh"]', 'ENTRYPOINT ["/bin/busybox"]', 'ENV A=1 B="two words"', 'EXPOSE 80 443/udp', 'LABEL org.example=yes',
      'USER nobody', 'VOLUME /data', 'WORKDIR /srv', 'ONBUILD RUN echo hi',
    ];
    ok(await wharf.run(['import', ...changes.flatMap((change) => ['-c', change]), '--message', 'from a template', tar, 'changed:1']));
    const image = await inspect(wharf, 'changed:1');
    assert.equal(image.Comment, 'from a template');
    const config = image.Config as Record<string, unknown>;
    assert.deepEqual(config.Cmd, ['sh']);
    assert.deepEqual(config.Entrypoint, ['/bin/busybox']);
    assert.deepEqual(config.Env, ['A=1', 'B=two words']);
    assert.deepEqual(config.ExposedPorts, { '443/udp': {}, '80/tcp': {} });
    assert.deepEqual(config.Labels, { 'org.example': 'yes' });
    assert.equal(config.User, 'nobody');
    assert.deepEqual(config.Volumes, { '/data': {} });
    assert.equal(config.WorkingDir, '/srv');
    assert.deepEqual(config.OnBuild, ['RUN echo hi']);
  });

  for (const tool of COMPRESSORS) {
    it(`reads a ${tool}-compressed tarball, from a file and from stdin, into the same layer`, async (t) => {
      const wharf = makeWharf(t);
      const { tar, diffId } = await rootfs(t);
      const compressed = await compressFile(tar, tool);
      const fromFile = ok(await wharf.run(['import', compressed, `squashed:${tool}`])).stdout.trim();
      const fromStdin = ok(await wharf.run(['import', '-', `stdin:${tool}`], { input: readFileSync(compressed) })).stdout.trim();
      for (const [id, name] of [[fromFile, `squashed:${tool}`], [fromStdin, `stdin:${tool}`]]) {
        const image = await inspect(wharf, name);
        assert.equal(image.Id, id);
        assert.deepEqual(image.RootFS.Layers, [diffId]);
        assert.equal(image.Size, 12);
      }
    });
  }

  it('makes an untagged image without a repository argument', async (t) => {
    const wharf = makeWharf(t);
    const { tar } = await rootfs(t);
    const id = ok(await wharf.run(['import', tar])).stdout.trim();
    assert.equal(ok(await wharf.run(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'])).stdout, `${id} <none>:<none>\n`);
  });

  it('records the platform given with --platform', async (t) => {
    const wharf = makeWharf(t);
    const { tar } = await rootfs(t);
    ok(await wharf.run(['import', '--platform', 'linux/arm64/v8', tar, 'arm:1']));
    const image = await inspect(wharf, 'arm:1');
    assert.equal(image.Architecture, 'arm64');
    assert.equal(image.Variant, 'v8');
    assert.equal(image.Os, 'linux');
  });

  it('downloads a tarball from a URL and names it in the comment', async (t) => {
    const wharf = makeWharf(t);
    const { tar, diffId } = await rootfs(t);
    const server = createServer((request, response) => {
      if (request.url !== '/rootfs.tar') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/x-tar' });
      createReadStream(tar).pipe(response);
    }).listen(0, '127.0.0.1');
    t.after(() => server.close());
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/rootfs.tar`;
    ok(await wharf.run(['import', url, 'fromurl:1']));
    const image = await inspect(wharf, 'fromurl:1');
    assert.equal(image.Comment, `Imported from ${url}`);
    assert.deepEqual(image.RootFS.Layers, [diffId]);
    const missing = await wharf.run(['import', `http://127.0.0.1:${port}/nope.tar`, 'missing:1']);
    assert.equal(missing.code, 1);
    assert.equal(lines(missing.stderr).length, 1);
  });

  describe('bad input leaves the store as it was', () => {
    async function withOneImage(t: TestContext) {
      const wharf = makeWharf(t);
      const files = await rootfs(t);
      ok(await wharf.run(['import', files.tar, 'existing:1']));
      return { wharf, ...files, before: await storeState(wharf) };
    }

    it("refuses an unknown --change instruction with Docker's text", async (t) => {
      const { wharf, tar, before } = await withOneImage(t);
      failsWithOneLine(await wharf.run(['import', '-c', 'RUN echo hi', tar, 'x:1']), /^Error response from daemon: run is not a valid change command$/);
      assert.deepEqual(await storeState(wharf), before);
    });

    it('refuses input that is not a tar archive', async (t) => {
      const { wharf, dir, before } = await withOneImage(t);
      const junk = join(dir, 'junk.bin');
      writeFileSync(junk, Buffer.from('this is not a tar archive, not even close. '.repeat(100)));
      failsWithOneLine(await wharf.run(['import', junk, 'junk:1']));
      assert.deepEqual(await storeState(wharf), before);
    });

    it('refuses a truncated compressed tarball', async (t) => {
      const { wharf, tar, dir, before } = await withOneImage(t);
      const gz = readFileSync(await compressFile(tar, 'gzip'));
      const cut = join(dir, 'cut.tar.gz');
      writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
      failsWithOneLine(await wharf.run(['import', cut, 'cut:1']));
      assert.deepEqual(await storeState(wharf), before);
    });

    it("fails on a missing file with Go's wording", async (t) => {
      const { wharf, dir, before } = await withOneImage(t);
      const missing = join(dir, 'missing.tar');
      failsWithOneLine(await wharf.run(['import', missing, 'x:1']), new RegExp(`^open ${missing}: no such file or directory$`));
      assert.deepEqual(await storeState(wharf), before);
    });

    it('refuses an invalid repository name', async (t) => {
      const { wharf, tar, before } = await withOneImage(t);
      failsWithOneLine(await wharf.run(['import', tar, 'Bad:Name']), /invalid reference format/);
      assert.deepEqual(await storeState(wharf), before);
    });
  });
});
