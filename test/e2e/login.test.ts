// login, logout and credentials against the real distribution registry, with htpasswd and behind a token server:
// Docker's messages, config.json (0600, unknown keys kept), credential helpers, a TTY login, and no secret ever printed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { failsWithOneLine, ok, WHARF_BIN } from '../helpers/cli-fixtures.ts';
import { buildImage, writeOciLayout } from '../helpers/image-builder.ts';
import { type Distribution, skopeo, startDistribution, startDockerd } from '../helpers/peers.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { makeWharf, type RunResult, tempDir, type Wharf, withTempDir } from '../helpers/wharf-cli.ts';

const PASSWORD = 'pw-Zq81-secret';
const UNENCRYPTED = (file: string) =>
  `\nWARNING! Your credentials are stored unencrypted in '${file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`;

/** A wharf with its own Docker config dir, whose path the test reads. */
function wharfWithConfig(t: Parameters<typeof makeWharf>[0]): { wharf: Wharf; configDir: string; run: Wharf['run'] } {
  const wharf = makeWharf(t);
  const configDir = tempDir(t, 'wharf-docker-config-');
  return { wharf, configDir, run: (args, options = {}) => wharf.run(args, { ...options, env: { DOCKER_CONFIG: configDir, ...options.env } }) };
}

function readConfig(configDir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'));
}

function assertNoSecret(result: RunResult, secret = PASSWORD): void {
  assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'the password is never printed');
}

/** Puts a small image into an authenticated registry with skopeo, the peer client. */
async function seed(host: string, repository: string, credentials: string): Promise<void> {
  const image = await buildImage({ layers: [[{ path: 'hello.txt', type: 'file', content: `${repository}\n` }]] });
  const result = await withTempDir('wharf-auth-layout-', async (layout) => {
    await writeOciLayout(layout, [{ image, repoTags: ['seed:v1'] }]);
    return skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', credentials, `oci:${layout}:v1`, `docker://${host}/${repository}:v1`]);
  });
  assert.equal(result.code, 0, result.stderr);
}

describe('login against an htpasswd registry', { concurrency: 4 }, () => {
  let registry: Distribution | undefined;
  const scope = suiteScope();
  before(async () => {
    registry = await startDistribution(scope, { htpasswd: { alice: PASSWORD } });
    await seed(registry!.host, 'team/busybox', `alice:${PASSWORD}`);
  });

  it("verifies, stores base64 user:password in a 0600 config.json keeping unknown keys, and prints Docker's lines", async (t) => {
    const { configDir, run } = wharfWithConfig(t);
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ psFormat: 'table {{.ID}}', auths: { 'other.example:5000': { auth: 'b3RoZXI6eA==' } } }));
    const result = ok(await run(['login', '-u', 'alice', '--password-stdin', registry!.host], { input: `${PASSWORD}\n` }));
    assert.equal(result.stdout, 'Login Succeeded\n');
    assert.equal(result.stderr, UNENCRYPTED(join(configDir, 'config.json')));
    assertNoSecret(result);
    const file = join(configDir, 'config.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readConfig(configDir), {
      psFormat: 'table {{.ID}}',
      auths: { 'other.example:5000': { auth: 'b3RoZXI6eA==' }, [registry!.host]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } },
    });
    assert.match(readFileSync(file, 'utf8'), /^\{\n\t"/, "tab-indented, as Docker writes it");
  });

  it('refuses a wrong password with the registry status, storing nothing', async (t) => {
    const { configDir, run } = wharfWithConfig(t);
    const result = await run(['login', '-u', 'alice', '-p', 'not-the-password', registry!.host]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nError response from daemon: login attempt to http://${registry!.host}/v2/ failed with status: 401 Unauthorized\n`);
    assertNoSecret(result, 'not-the-password');
    assert.equal(existsSync(join(configDir, 'config.json')), false);
  });

  it('names the unreachable registry as Go does', async (t) => {
    const stopped = await startDistribution(t);
    await stopped!.stop();
    const { run } = wharfWithConfig(t);
    const line = failsWithOneLine(await run(['login', '-u', 'alice', '--password-stdin', stopped!.host], { input: PASSWORD }));
    assert.equal(line, `Error response from daemon: Get "http://${stopped!.host}/v2/": dial tcp ${stopped!.host}: connect: connection refused`);
  });

  it("refuses what Docker refuses before asking the registry", async (t) => {
    const { run } = wharfWithConfig(t);
    const cases: Array<[string[], string]> = [
      [['login', registry!.host], 'Error: Cannot perform an interactive login from a non TTY device'],
      [['login', '-u', 'alice', registry!.host], 'Error: Cannot perform an interactive login from a non TTY device'],
      [['login', '--password-stdin', registry!.host], 'the --password-stdin option requires --username to be set'],
      [['login', '-u', 'alice', '-p', 'x', '--password-stdin', registry!.host], 'conflicting options: cannot specify both --password and --password-stdin'],
    ];
    for (const [args, message] of cases) assert.equal(failsWithOneLine(await run(args, { input: '' })), message, args.join(' '));
  });

  it('uses the stored credentials for later commands, logs in again with them, and logout removes them', async (t) => {
    const { configDir, run } = wharfWithConfig(t);
    const denied = failsWithOneLine(await run(['search', `${registry!.host}/busy`]));
    assert.equal(denied, `Error response from daemon: Get "http://${registry!.host}/v2/_catalog": no basic auth credentials`);
    ok(await run(['login', '-u', 'alice', '--password-stdin', registry!.host], { input: PASSWORD }));
    const found = ok(await run(['search', '--format', '{{.Name}}', `${registry!.host}/busy`]));
    assert.equal(found.stdout, `${registry!.host}/team/busybox\n`);
    const again = ok(await run(['login', registry!.host]));
    assert.equal(again.stdout, 'Login Succeeded\n');
    assert.match(again.stderr, /^Authenticating with existing credentials\.\.\. \[Username: alice\]\n/);
    const logout = ok(await run(['logout', registry!.host]));
    assert.equal(logout.stdout, `Removing login credentials for ${registry!.host}\n`);
    assert.deepEqual(readConfig(configDir), { auths: {} });
    failsWithOneLine(await run(['search', `${registry!.host}/busy`]), /no basic auth credentials$/);
    const twice = ok(await run(['logout', `http://${registry!.host}/`]));
    assert.equal(twice.stdout, `Removing login credentials for ${registry!.host}\n`, 'not logged in: the same line, as Docker 28 prints');
  });

  it('stores through a credential helper (credsStore), which later commands and logout use', async (t) => {
    const { configDir, run } = wharfWithConfig(t);
    const helper = credentialHelper(t);
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ credsStore: 'test' }));
    const env = { PATH: `${helper.binDir}:${process.env.PATH}` };
    const login = ok(await run(['login', '-u', 'alice', '--password-stdin', registry!.host], { input: PASSWORD, env }));
    assert.equal(login.stdout, 'Login Succeeded\n');
    assert.equal(login.stderr, '', 'no plain-text warning for a helper');
    assert.deepEqual(readConfig(configDir), { credsStore: 'test', auths: { [registry!.host]: {} } });
    assert.ok(!readFileSync(join(configDir, 'config.json'), 'utf8').includes(Buffer.from(`alice:${PASSWORD}`).toString('base64')));
    assert.deepEqual(JSON.parse(readFileSync(helper.stored(registry!.host), 'utf8')), { ServerURL: registry!.host, Username: 'alice', Secret: PASSWORD });
    const found = ok(await run(['search', '--format', '{{.Name}}', `${registry!.host}/team`], { env }));
    assert.equal(found.stdout, `${registry!.host}/team/busybox\n`);
    ok(await run(['logout', registry!.host], { env }));
    assert.equal(existsSync(helper.stored(registry!.host)), false);
    assert.deepEqual(helper.actions(), ['store', 'get', 'erase', 'erase', 'erase']);
  });

  it('prefers credHelpers for its registry and reports a missing helper as Docker does', async (t) => {
    const { configDir, run } = wharfWithConfig(t);
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ credsStore: 'test', credHelpers: { [registry!.host]: 'absent' } }));
    const result = await run(['login', '-u', 'alice', '--password-stdin', registry!.host], { input: PASSWORD });
    const line = failsWithOneLine(result);
    assert.equal(line, 'Error saving credentials: error storing credentials - err: exec: "docker-credential-absent": executable file not found in $PATH, out: ``');
    assertNoSecret(result);
  });

  it('prompts for the username and a hidden password on a terminal', async (t) => {
    const { configDir } = wharfWithConfig(t);
    const transcript = await loginOnTerminal({ host: registry!.host, configDir, wharfRoot: makeWharf(t).root, username: 'alice', password: PASSWORD });
    assert.match(transcript, /Username: alice\r?\n/);
    assert.match(transcript, /Password: \r?\n/);
    assert.match(transcript, /Login Succeeded/);
    assert.ok(!transcript.includes(PASSWORD), 'the password is not echoed');
    assert.equal(readConfig(configDir).auths[registry!.host].auth, Buffer.from(`alice:${PASSWORD}`).toString('base64'));
  });
});

describe('login against a registry behind a token server', { concurrency: 2 }, () => {
  let registry: Distribution | undefined;
  let tokens: TokenServer;
  const scope = suiteScope();
  before(async () => {
    tokens = await startTokenServer(scope, { users: { alice: PASSWORD }, refreshTokens: true });
    registry = await startDistribution(scope, { token: tokens });
    await seed(registry!.host, 'team/busybox', `alice:${PASSWORD}`);
  });

  it("says what the token server said on a wrong password, as Docker does", async (t) => {
    const { run } = wharfWithConfig(t);
    const result = await run(['login', '-u', 'alice', '--password-stdin', registry!.host], { input: 'wrong-password' });
    const line = failsWithOneLine(result);
    assert.equal(line, `Error response from daemon: Get "http://${registry!.host}/v2/": unauthorized: incorrect username or password`);
    assertNoSecret(result, 'wrong-password');
  });

  it('names both requests when the token server is down, without trying the registry over again', async (t) => {
    const orphan = await startDistribution(t, { token: { ...tokens, realm: 'http://127.0.0.1:1/token' } });
    const { run } = wharfWithConfig(t);
    const result = await run(['login', '-u', 'alice', '--password-stdin', orphan!.host], { input: PASSWORD });
    const line = failsWithOneLine(result);
    assert.equal(line, `Error response from daemon: Get "http://${orphan!.host}/v2/": Get "http://127.0.0.1:1/token": dial tcp 127.0.0.1:1: connect: connection refused`);
    assertNoSecret(result);
  });

  it('stores the refresh token the server hands out instead of the password, then uses it (OAuth refresh_token)', async (t) => {
    const { configDir, run } = wharfWithConfig(t);
    const result = ok(await run(['login', '-u', 'alice', '--password-stdin', registry!.host], { input: PASSWORD }));
    assert.equal(result.stdout, 'Login Succeeded\n');
    assert.equal(result.stderr, '', 'no password stored, so no plain-text warning');
    const loginRequest = tokens.requests.findLast((request) => request.offlineToken);
    assert.deepEqual(loginRequest && { method: loginRequest.method, account: loginRequest.account, basic: loginRequest.basic }, { method: 'GET', account: 'alice', basic: true });
    const entry = readConfig(configDir).auths[registry!.host];
    assert.equal(entry.auth, Buffer.from('alice:').toString('base64'));
    assert.match(entry.identitytoken, /^[0-9a-f]{32}$/);
    assert.ok(!readFileSync(join(configDir, 'config.json'), 'utf8').includes(Buffer.from(PASSWORD).toString('base64').slice(0, 12)));
    const before = tokens.requests.length;
    const found = ok(await run(['search', '--format', '{{.Name}}', `${registry!.host}/busy`]));
    assert.equal(found.stdout, `${registry!.host}/team/busybox\n`);
    const used = tokens.requests.slice(before);
    assert.ok(used.length > 0 && used.every((request) => request.method === 'POST' && request.grantType === 'refresh_token' && !request.basic));
    assert.ok(used.some((request) => request.scopes.includes('registry:catalog:*')));
  });
});

describe('login and logout as real Docker', () => {
  it('print what docker login and logout print, against htpasswd and token registries', async (t) => {
    const dockerd = await startDockerd(t);
    if (!dockerd) return;
    const tokens = await startTokenServer(t, { users: { alice: PASSWORD } });
    const basic = await startDistribution(t, { htpasswd: { alice: PASSWORD } });
    const bearer = await startDistribution(t, { token: tokens });
    const { configDir, run } = wharfWithConfig(t);
    const dockerConfig = tempDir(t, 'wharf-real-docker-config-');
    const docker = (args: string[], input: string) => dockerd.docker(args, { input, env: { DOCKER_CONFIG: dockerConfig } });
    const sameFile = (text: string) => text.replaceAll(dockerConfig, configDir);
    for (const host of [basic!.host, bearer!.host]) {
      for (const [args, input] of [
        [['login', '-u', 'alice', '--password-stdin', host], 'wrong'],
        [['login', '-u', 'alice', '-p', PASSWORD, host], ''],
        [['login', '-u', 'alice', '--password-stdin', host], PASSWORD],
        [['logout', host], ''],
        [['logout', host], ''],
      ] as Array<[string[], string]>) {
        const expected = await docker(args, input);
        const actual = await run(args, { input });
        assert.deepEqual({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }, { code: expected.code, stdout: expected.stdout, stderr: sameFile(expected.stderr) }, args.join(' '));
      }
    }
  });
});

/** docker-credential-test: keeps each server's JSON in a file of its own directory, and logs each action (never a secret). */
function credentialHelper(t: Parameters<typeof tempDir>[0]): { binDir: string; stored(server: string): string; actions(): string[] } {
  const binDir = tempDir(t, 'wharf-helper-bin-');
  const store = tempDir(t, 'wharf-helper-store-');
  const script = join(binDir, 'docker-credential-test');
  writeFileSync(script, `#!/bin/sh
set -e
store='${store}'
input=$(cat)
echo "$1" >> "$store/actions.log"
case "$1" in
  store) server=$(printf '%s' "$input" | sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p'); printf '%s' "$input" > "$store/$(printf '%s' "$server" | tr '/:' '__')" ;;
  get|erase) file="$store/$(printf '%s' "$input" | tr '/:' '__')"
    if [ ! -f "$file" ]; then echo 'credentials not found in native keychain'; exit 1; fi
    if [ "$1" = get ]; then cat "$file"; else rm "$file"; fi ;;
  *) echo "unknown action $1"; exit 1 ;;
esac
`);
  chmodSync(script, 0o755);
  return {
    binDir,
    stored: (server) => join(store, server.replace(/[/:]/g, '_')),
    actions: () => readFileSync(join(store, 'actions.log'), 'utf8').trim().split('\n'),
  };
}

/** Runs `wharf login` under `script` (a pseudo-terminal), answering each prompt once it appears. */
function loginOnTerminal(options: { host: string; configDir: string; wharfRoot: string; username: string; password: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DOCKER_CONFIG: options.configDir, WHARF_ROOT: options.wharfRoot };
    const child = spawn('script', ['-qfec', `${WHARF_BIN} login ${options.host}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let transcript = '';
    const answered = new Set<string>();
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      transcript += chunk.toString();
      for (const [prompt, answer] of [['Username: ', options.username], ['Password: ', options.password]]) {
        if (transcript.includes(prompt) && !answered.has(prompt)) {
          answered.add(prompt);
          child.stdin.write(`${answer}\r`);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(transcript);
      else reject(new Error(`login on a terminal exited ${code}: ${transcript}`));
    });
  });
}
