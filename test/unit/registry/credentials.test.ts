// Credential keys and config.json entries as Docker reads and writes them: Docker Hub's key, legacy spellings, base64 auth.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { runCommand } from '../../helpers/run-command.ts';
import { credentialKey, DOCKER_HUB_KEY, eraseCredentials, getCredentials, loadCredentials, registryOfKey, storeCredentials } from '../../../src/registry/client/auth/credentials.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

describe('credentialKey', () => {
  const rows: Array<[string | undefined, string]> = [
    [undefined, DOCKER_HUB_KEY],
    ['docker.io', DOCKER_HUB_KEY],
    [DOCKER_HUB_KEY, DOCKER_HUB_KEY],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['http://127.0.0.1:5000/', '127.0.0.1:5000'],
    ['https://registry.example/v1/', 'registry.example'],
  ];
  for (const [server, key] of rows) it(`${server} → ${key}`, () => assert.equal(credentialKey(server), key));
  it('maps keys back to registries', () => {
    assert.equal(registryOfKey(DOCKER_HUB_KEY), 'docker.io');
    assert.equal(registryOfKey('127.0.0.1:5000'), '127.0.0.1:5000');
  });
});

describe('config.json credentials', () => {
  const configIn = (data: unknown, t: TestContext) => {
    const dir = tempDir(t, 'wharf-cred-unit-');
    writeFileSync(join(dir, 'config.json'), JSON.stringify(data));
    return { dir, env: { DOCKER_CONFIG: dir } };
  };
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  it('reads base64 auth, Docker Hub under its URL, legacy spellings, identity and registry tokens', async (t) => {
    const { env } = configIn({
      auths: {
        [DOCKER_HUB_KEY]: { auth: b64('hubuser:hubpass') },
        'https://legacy.example:5000/v1/': { auth: b64('old:pa:ss') },
        'token.example': { auth: b64('bob:'), identitytoken: 'refresh-1' },
        'bearer.example': { registrytoken: 'tok' },
        'empty.example': {},
      },
    }, t);
    assert.deepEqual(await loadCredentials('docker.io', env), { username: 'hubuser', password: 'hubpass' });
    assert.deepEqual(await loadCredentials('legacy.example:5000', env), { username: 'old', password: 'pa:ss' });
    assert.deepEqual(await loadCredentials('token.example', env), { username: 'bob', identityToken: 'refresh-1' });
    assert.deepEqual(await loadCredentials('bearer.example', env), { registryToken: 'tok' });
    assert.equal(await loadCredentials('empty.example', env), undefined);
    assert.equal(await loadCredentials('nowhere.example', env), undefined);
  });

  it('treats a missing or malformed config as no credentials when reading', async (t) => {
    const missing = { DOCKER_CONFIG: join(tempDir(t, 'wharf-cred-unit-'), 'absent') };
    assert.equal(await getCredentials('x', missing), undefined);
    const dir = tempDir(t, 'wharf-cred-unit-');
    writeFileSync(join(dir, 'config.json'), '{not json');
    assert.equal(await getCredentials('x', { DOCKER_CONFIG: dir }), undefined);
    await assert.rejects(storeCredentials('x', { username: 'a', password: 'b' }, { DOCKER_CONFIG: dir }), { message: /^Error loading config file: .*config\.json: / });
    assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), '{not json', 'left as it was');
  });

  it('writes 0600 through a symlinked config.json, keeping other keys, and erases every spelling', async (t) => {
    const { dir } = configIn({}, t);
    const real = join(dir, 'real');
    mkdirSync(real);
    writeFileSync(join(real, 'config.json'), JSON.stringify({ detachKeys: 'ctrl-x', auths: { 'http://r.example': { auth: b64('a:b') } } }));
    const linked = tempDir(t, 'wharf-cred-unit-');
    symlinkSync(join(real, 'config.json'), join(linked, 'config.json'));
    const env = { DOCKER_CONFIG: linked };
    const where = await storeCredentials('r2.example', { username: 'u', password: 'p' }, env);
    assert.equal(where.plainTextFile, join(linked, 'config.json'));
    assert.ok(lstatSync(join(linked, 'config.json')).isSymbolicLink(), 'the link stays a link');
    assert.equal(statSync(join(real, 'config.json')).mode & 0o777, 0o600);
    await eraseCredentials(['r.example', 'http://r.example'], env);
    assert.deepEqual(JSON.parse(readFileSync(join(real, 'config.json'), 'utf8')), { detachKeys: 'ctrl-x', auths: { 'r2.example': { auth: b64('u:p') } } });
  });

  it('loses no entry when several processes store at once', async (t) => {
    const { dir } = configIn({ auths: {} }, t);
    const module = new URL('../../../src/registry/client/auth/credentials.ts', import.meta.url).href;
    const keys = Array.from({ length: 10 }, (_, i) => `r${i}.example:5000`);
    const results = await Promise.all(keys.map((key) => runCommand(process.execPath, [
      '--input-type=module', '-e', `const { storeCredentials } = await import(${JSON.stringify(module)}); await storeCredentials(${JSON.stringify(key)}, { username: 'u', password: 'p' });`,
    ], { env: { ...process.env, DOCKER_CONFIG: dir } })));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).auths).sort(), keys);
    assert.equal(existsSync(join(dir, 'config.json.lock')), false, 'the lock is released');
  });
});
