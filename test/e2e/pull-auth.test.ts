// Pull and push with credentials: htpasswd Basic auth and Bearer tokens from a token server, in front of the real
// distribution registry; what `login` stored is what pull and push use, and a missing login fails as Docker's does.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lines, ok, storeState, writeArchive } from '../helpers/cli-fixtures.ts';
import { busyboxFixture } from '../helpers/image-builder.ts';
import { startDistribution, startDockerd } from '../helpers/peers.ts';
import { startTokenServer } from '../helpers/token-server.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const USER = 'alice';
const PASSWORD = 's3cret-pw-for-tests';

async function loadAndTag(t: Parameters<typeof makeWharf>[0], wharf: Wharf, name: string): Promise<string> {
  const image = await busyboxFixture(name);
  const archive = await writeArchive(join(tempDir(t), 'image.tar'), 'classic', [{ image, repoTags: [name] }]);
  ok(await wharf.run(['load', '-i', archive]));
  return image.id;
}

async function login(wharf: Wharf, host: string): Promise<void> {
  ok(await wharf.run(['login', '-u', USER, '--password-stdin', host], { input: PASSWORD }), 'login');
}

describe('pull and push with credentials', { concurrency: 2 }, () => {
  it('uses the Basic credentials login stored, and never prints the password', async (t) => {
    const registry = await startDistribution(t, { htpasswd: { [USER]: PASSWORD } });
    if (!registry) return;
    const wharf = makeWharf(t);
    const name = `${registry.host}/team/app:v1`;
    const id = await loadAndTag(t, wharf, name);
    const before = await storeState(wharf);
    const denied = await wharf.run(['push', name]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /no basic auth credentials|unauthorized/);
    // nothing of the refused push goes on after it: no gzip half-made, none recorded without its blob (a gzip made
    // before the refusal may be kept, for the next push)
    const after = await storeState(wharf);
    assert.deepEqual({ images: after.images, ingest: after.ingest, check: after.check }, { images: before.images, ingest: [], check: '0 store is consistent\n' });
    await login(wharf, registry.host);
    const pushed = ok(await wharf.run(['push', name]));
    const fresh = join(tempDir(t), 'root');
    const pulled = ok(await wharf.run(['pull', name], { env: { WHARF_ROOT: fresh } }));
    assert.equal(lines(pulled.stdout).at(-1), name);
    assert.equal(ok(await wharf.run(['inspect', '-f', '{{.Id}}', name], { env: { WHARF_ROOT: fresh } })).stdout.trim(), id);
    for (const output of [pushed.stdout, pushed.stderr, pulled.stdout, pulled.stderr, denied.stderr]) assert.ok(!output.includes(PASSWORD));
  });

  it('fetches Bearer tokens with the scopes Docker asks for, anonymous for pull where allowed', async (t) => {
    const tokens = await startTokenServer(t, { users: { [USER]: PASSWORD }, anonymousActions: ['pull'] });
    const registry = await startDistribution(t, { token: tokens });
    if (!registry) return;
    const wharf = makeWharf(t);
    const name = `${registry.host}/team/app:v1`;
    await loadAndTag(t, wharf, name);
    const denied = await wharf.run(['push', name]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /denied|unauthorized/);
    await login(wharf, registry.host);
    ok(await wharf.run(['push', name]));
    assert.ok(tokens.requests.some((request) => request.basic && request.scopes.includes('repository:team/app:pull,push')), JSON.stringify(tokens.requests));
    const anonymous = makeWharf(t);
    ok(await anonymous.run(['pull', name]), 'anonymous pull');
    assert.ok(tokens.requests.some((request) => !request.basic && request.scopes.includes('repository:team/app:pull')));
  });

  it("fails a pull without credentials with Docker's text", async (t) => {
    const registry = await startDistribution(t, { htpasswd: { [USER]: PASSWORD } });
    const dockerd = await startDockerd(t);
    if (!registry || !dockerd) return;
    const name = `${registry.host}/team/app:v1`;
    const theirs = await dockerd.docker(['pull', name]);
    const mine = await makeWharf(t).run(['pull', name]);
    // Docker asks with HEAD first; wharf goes straight to GET, one round trip fewer, so only the method differs.
    assert.deepEqual([mine.code, mine.stderr], [theirs.code, theirs.stderr.replace('Head "', 'Get "')]);
  });
});
