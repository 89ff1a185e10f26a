// A throwaway certificate authority made with openssl: a server certificate for an IP address, and a client certificate.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.ts';

export interface TestCa {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

async function openssl(args: string[]): Promise<void> {
  const result = await runCommand('openssl', args);
  if (result.code !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

/** Files in `dir`; the server certificate is valid for `ip` only. */
export async function makeTestCa(dir: string, ip: string): Promise<TestCa> {
  const file = (name: string) => join(dir, name);
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=wharf test CA']);
  for (const [name, extensions] of [['server', `subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\n`], ['client', 'extendedKeyUsage=clientAuth\n']]) {
    writeFileSync(file(`${name}.ext`), extensions);
    await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=wharf test ${name}`]);
    await openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.crt`), '-days', '2', '-extfile', file(`${name}.ext`)]);
  }
  return { caCert: file('ca.crt'), serverCert: file('server.crt'), serverKey: file('server.key'), clientCert: file('client.crt'), clientKey: file('client.key') };
}

/** An address of this machine that is not loopback, so Docker's "loopback is insecure" rule does not apply. */
export function nonLoopbackAddress(): string | undefined {
  const interfaces = process.getBuiltinModule('node:os').networkInterfaces();
  return Object.values(interfaces).flat().find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
}
