// A small Docker token server for tests: issues JWTs signed with a key made by openssl, which distribution's `auth: token:` trusts.
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { runCommand } from './run-command.ts';
import { tempDir } from './temp-dir.ts';

export interface TokenServerOptions {
  /** username → password. */
  users: Record<string, string>;
  /** What anyone without credentials may do (`['pull']`); nothing by default. */
  anonymousActions?: string[];
  /** Hand out refresh tokens to `offline_token=true` requests, as token servers that support `docker login` do. */
  refreshTokens?: boolean;
  /** Seconds; omitted from responses when undefined (clients then keep a token 60 s). */
  expiresIn?: number;
  /** Answer with OAuth's `access_token` field instead of `token`. */
  accessTokenField?: boolean;
}

export interface TokenRequestRecord {
  method: string;
  account?: string;
  scopes: string[];
  grantType?: string;
  offlineToken: boolean;
  /** Whether Basic credentials came with the request. */
  basic: boolean;
}

export interface TokenServer {
  /** The realm: `http://127.0.0.1:PORT/token`. */
  realm: string;
  service: string;
  issuer: string;
  /** The signing key's self-signed certificate: distribution's `rootcertbundle`. */
  certFile: string;
  requests: TokenRequestRecord[];
}

const SERVICE = 'wharf-test-registry';
const ISSUER = 'wharf-test-issuer';

export async function startTokenServer(t: Pick<TestContext, 'after'>, options: TokenServerOptions): Promise<TokenServer> {
  const dir = tempDir(t, 'wharf-token-');
  const { keyFile, certFile } = await makeSigningKey(dir);
  const signer = jwtSigner(readFileSync(keyFile, 'utf8'), readFileSync(certFile, 'utf8'));
  const requests: TokenRequestRecord[] = [];
  const refreshTokens = new Map<string, string>();
  const server = createServer((request, response) => {
    readBody(request).then((body) => answer({ request, response, body, options, signer, requests, refreshTokens }), () => response.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { realm: `http://127.0.0.1:${port}/token`, service: SERVICE, issuer: ISSUER, certFile, requests };
}

async function makeSigningKey(dir: string): Promise<{ keyFile: string; certFile: string }> {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  for (const args of [
    ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', keyFile],
    ['req', '-new', '-x509', '-key', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=wharf-test-token'],
  ]) {
    const result = await runCommand('openssl', args);
    if (result.code !== 0) throw new Error(`openssl ${args[0]}: ${result.stderr}`);
  }
  return { keyFile, certFile };
}

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  body: string;
  options: TokenServerOptions;
  signer: (claims: Record<string, unknown>) => string;
  requests: TokenRequestRecord[];
  refreshTokens: Map<string, string>;
}

function answer(exchange: Exchange): void {
  const { request, response, body, options, requests, refreshTokens } = exchange;
  const url = new URL(request.url ?? '/', 'http://token');
  if (url.pathname !== '/token') return json(response, 404, { details: 'not found' });
  const form = request.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
  const scopes = request.method === 'POST' ? (form.get('scope') ?? '').split(' ').filter(Boolean) : form.getAll('scope');
  const basic = basicCredentials(request.headers.authorization);
  const offlineToken = form.get('offline_token') === 'true';
  requests.push({ method: request.method ?? '', account: form.get('account') ?? undefined, scopes, grantType: form.get('grant_type') ?? undefined, offlineToken, basic: basic !== undefined });
  let user: string | undefined;
  if (form.get('grant_type') === 'refresh_token') {
    user = refreshTokens.get(form.get('refresh_token') ?? '');
    if (!user) return json(response, 401, { details: 'invalid refresh token' });
  } else if (basic) {
    if (options.users[basic.username] !== basic.password) return json(response, 401, { details: 'incorrect username or password' });
    user = basic.username;
  }
  const access = scopes.map((scope) => grant(scope, user ? undefined : (options.anonymousActions ?? []))).filter((entry) => entry.actions.length);
  const now = Math.floor(Date.now() / 1000);
  const token = exchange.signer({ iss: ISSUER, sub: user ?? '', aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access });
  const reply: Record<string, unknown> = options.accessTokenField ? { access_token: token } : { token };
  if (options.expiresIn !== undefined) reply.expires_in = options.expiresIn;
  reply.issued_at = new Date(now * 1000).toISOString();
  if (user && options.refreshTokens && (offlineToken || form.get('grant_type') === 'refresh_token')) {
    const refresh = form.get('refresh_token') ?? randomBytes(16).toString('hex');
    refreshTokens.set(refresh, user);
    reply.refresh_token = refresh;
  }
  json(response, 200, reply);
}

/** `repository:team/app:pull,push` → the access entry; `allowed` undefined grants every action asked for. */
function grant(scope: string, allowed: string[] | undefined): { type: string; name: string; actions: string[] } {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  const actions = scope.slice(last + 1).split(',');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: allowed ? actions.filter((action) => allowed.includes(action)) : actions };
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const text = Buffer.from(header.slice(6), 'base64').toString();
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** ES256 JWTs whose `kid` is libtrust's key ID of the certificate's key, which is how distribution finds a trusted key. */
function jwtSigner(keyPem: string, certPem: string): (claims: Record<string, unknown>) => string {
  const key = createPrivateKey(keyPem);
  const header = { typ: 'JWT', alg: 'ES256', kid: libtrustKeyId(certPem) };
  return (claims) => {
    const payload = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(payload), { key, dsaEncoding: 'ieee-p1363' });
    return `${payload}.${base64url(signature)}`;
  };
}

/** SHA-256 of the DER public key, first 240 bits, base32 in 12 colon-separated groups of 4. */
function libtrustKeyId(certPem: string): string {
  const { X509Certificate } = process.getBuiltinModule('node:crypto');
  const der = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const encoded = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)!.join(':');
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
