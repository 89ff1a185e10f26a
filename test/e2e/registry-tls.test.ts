// Pulls over TLS from the real distribution registry on a non-loopback address: verified against Docker's certs.d CA,
// refused without it, allowed unverified for daemon.json's insecure-registries, and with a client certificate.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { failsWithOneLine, lines, ok } from '../helpers/cli-fixtures.ts';
import { busyboxFixture, type BuiltImage } from '../helpers/image-builder.ts';
import { skopeo, startDistribution, type Distribution } from '../helpers/peers.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { makeTestCa, nonLoopbackAddress, type TestCa } from '../helpers/test-ca.ts';
import { makeWharf, tempDir } from '../helpers/wharf-cli.ts';
import { writeArchive } from '../helpers/cli-fixtures.ts';

describe('wharf pull over TLS', { concurrency: 2 }, () => {
  const scope = suiteScope();
  const address = nonLoopbackAddress();
  let ca: TestCa;
  let registry: Distribution | undefined;
  let mutual: Distribution | undefined;
  let image: BuiltImage;

  before(async () => {
    if (!address) return;
    const dir = tempDir(undefined, 'wharf-tls-');
    scope.after(() => process.getBuiltinModule('node:fs').rmSync(dir, { recursive: true, force: true }));
    ca = await makeTestCa(dir, address);
    registry = await startDistribution(scope, { address, tls: { cert: ca.serverCert, key: ca.serverKey } });
    mutual = await startDistribution(scope, { address, tls: { cert: ca.serverCert, key: ca.serverKey, clientCa: ca.caCert } });
    image = await busyboxFixture('busybox:latest', { compression: 'gzip' });
    const archive = await writeArchive(join(dir, 'image.tar'), 'oci', [{ image, repoTags: ['busybox:latest'] }]);
    for (const target of [registry!, mutual!]) {
      const certs = target === mutual ? ['--dest-cert-dir', certsDir(dir, target.host, { client: true })] : ['--dest-cert-dir', certsDir(dir, target.host, { client: false })];
      ok(await skopeo(['copy', ...certs, `docker-archive:${archive}`, `docker://${target.host}/team/busybox:v1`]), 'skopeo copy');
    }
  });

  /** Docker's certs.d layout for one registry: ca.crt, and client.cert + client.key when asked. */
  function certsDir(base: string, host: string, options: { client: boolean }): string {
    const dir = join(base, `certs-${options.client ? 'client' : 'ca'}`, host);
    mkdirSync(dir, { recursive: true });
    copyFileSync(ca.caCert, join(dir, 'ca.crt'));
    if (options.client) {
      copyFileSync(ca.clientCert, join(dir, 'client.cert'));
      copyFileSync(ca.clientKey, join(dir, 'client.key'));
    }
    return dir;
  }

  it('refuses a certificate from an unknown authority, as Docker words it', async (t) => {
    if (!address) return t.skip('no non-loopback address');
    const wharf = makeWharf(t);
    failsWithOneLine(
      await wharf.run(['pull', `${registry!.host}/team/busybox:v1`], { env: { WHARF_CERTS_D: tempDir(t) } }),
      new RegExp(`^Error response from daemon: Get "https://${registry!.host}/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority$`),
    );
  });

  it("verifies against the registry's ca.crt in certs.d", async (t) => {
    if (!address) return t.skip('no non-loopback address');
    const wharf = makeWharf(t);
    const certs = tempDir(t);
    certsDir(certs, registry!.host, { client: false });
    const output = lines(ok(await wharf.run(['pull', `${registry!.host}/team/busybox:v1`], { env: { WHARF_CERTS_D: join(certs, 'certs-ca') } })).stdout);
    assert.equal(output.at(-1), `${registry!.host}/team/busybox:v1`);
  });

  it('skips verification for a registry listed in insecure-registries (by host or CIDR)', async (t) => {
    if (!address) return t.skip('no non-loopback address');
    for (const entry of [registry!.host, `${address.split('.').slice(0, 3).join('.')}.0/24`]) {
      const wharf = makeWharf(t);
      const config = join(tempDir(t), 'daemon.json');
      writeFileSync(config, JSON.stringify({ 'insecure-registries': [entry] }));
      ok(await wharf.run(['pull', `${registry!.host}/team/busybox:v1`], { env: { WHARF_CONFIG: config, WHARF_CERTS_D: tempDir(t) } }), `insecure ${entry}`);
    }
  });

  it('presents the client certificate from certs.d to a registry that demands one', async (t) => {
    if (!address) return t.skip('no non-loopback address');
    const certs = tempDir(t);
    const withClient = makeWharf(t);
    certsDir(certs, mutual!.host, { client: true });
    ok(await withClient.run(['pull', `${mutual!.host}/team/busybox:v1`], { env: { WHARF_CERTS_D: join(certs, 'certs-client') } }));
    assert.equal(ok(await withClient.run(['inspect', '-f', '{{.Id}}', `${mutual!.host}/team/busybox:v1`])).stdout.trim(), image.id);
    const caOnly = tempDir(t);
    certsDir(caOnly, mutual!.host, { client: false });
    const refused = await makeWharf(t).run(['pull', `${mutual!.host}/team/busybox:v1`], { env: { WHARF_CERTS_D: join(caOnly, 'certs-ca') } });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error response from daemon: .*https:\/\//);
  });
});
