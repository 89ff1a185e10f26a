// Fetches a bearer token from a challenge's realm: GET (anonymous or Basic) or an OAuth2 POST with a refresh token, as Docker does.
import { WharfError } from '../../../errors.ts';
import type { HttpResponse, HttpTransport, TlsSettings } from '../http-transport.ts';
import { RegistryError } from '../registry-errors.ts';
import type { Credentials } from './authenticator.ts';
import { findChallenge, parseChallenges } from './challenge.ts';

export interface TokenRequest {
  transport: HttpTransport;
  tls?: TlsSettings;
  /** The Bearer challenge's parameters: `realm`, `service`. */
  challenge: Record<string, string>;
  scopes: string[];
  credentials?: Credentials;
  /** `docker login` asks for a refresh token to keep instead of the password (`offline_token=true`). */
  offlineToken?: boolean;
}

export interface Token {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  /** An OAuth refresh token the server chose to hand out (config.json's `identitytoken`). */
  refreshToken?: string;
}

/** docker/distribution's client ID, which token servers may log. */
const CLIENT_ID = 'docker';
/** Tokens said to live less than this (or not saying) are kept this long, as Docker keeps them. */
const MINIMUM_LIFETIME_S = 60;
const TOKEN_BODY_LIMIT = 1 << 20;

interface TokenBody {
  token?: unknown;
  access_token?: unknown;
  expires_in?: unknown;
  issued_at?: unknown;
  refresh_token?: unknown;
}

export async function requestToken(request: TokenRequest): Promise<Token> {
  const realm = realmUrl(request.challenge.realm);
  const refreshToken = request.credentials?.identityToken;
  const response = refreshToken ? await postRefreshToken(request, realm, refreshToken) : await getToken(request, realm);
  if (response.status < 200 || response.status > 299) throw await tokenFailure(response);
  return parseToken(await response.text(TOKEN_BODY_LIMIT));
}

function realmUrl(realm: string | undefined): URL {
  if (!realm) throw new WharfError('no realm specified for token auth challenge');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new WharfError(`invalid token auth challenge realm: ${JSON.stringify(realm)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WharfError(`unsupported scheme in token auth challenge realm: ${url.protocol}`);
  return url;
}

/** GET realm?service=…&scope=…&scope=…, with Basic credentials (and `account`) when there are some. */
function getToken(request: TokenRequest, realm: URL): Promise<HttpResponse> {
  const url = new URL(realm);
  const { service } = request.challenge;
  if (service) url.searchParams.append('service', service);
  for (const scope of request.scopes) url.searchParams.append('scope', scope);
  if (request.offlineToken) {
    url.searchParams.append('offline_token', 'true');
    url.searchParams.append('client_id', CLIENT_ID);
  }
  const headers: Record<string, string> = {};
  const { username, password } = request.credentials ?? {};
  if (username && password) {
    url.searchParams.append('account', username);
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return request.transport.send({ method: 'GET', url, headers, tls: request.tls });
}

/** OAuth2 `grant_type=refresh_token`: what Docker sends once login stored an identity token. */
function postRefreshToken(request: TokenRequest, realm: URL, refreshToken: string): Promise<HttpResponse> {
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    service: request.challenge.service ?? '',
    client_id: CLIENT_ID,
    scope: request.scopes.join(' '),
  });
  return request.transport.send({
    method: 'POST',
    url: realm,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(form.toString()),
    tls: request.tls,
  });
}

function parseToken(text: string): Token {
  let body: TokenBody;
  try {
    body = JSON.parse(text) as TokenBody;
  } catch (error) {
    throw new WharfError(`unable to decode token response: ${(error as Error).message}`);
  }
  // `access_token` is OAuth's name for `token`; a server may send both.
  const token = typeof body.access_token === 'string' && body.access_token ? body.access_token : body.token;
  if (typeof token !== 'string' || !token) throw new WharfError('authorization server did not include a token in the response');
  const lifetime = typeof body.expires_in === 'number' && body.expires_in > MINIMUM_LIFETIME_S ? body.expires_in : MINIMUM_LIFETIME_S;
  const issued = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : Number.NaN;
  const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined;
  return { token, expiresAt: (Number.isFinite(issued) ? issued : Date.now()) + lifetime * 1000, refreshToken };
}

/**
 * The token server said no, worded as docker/distribution's HandleErrorResponse words it: an OAuth error in the
 * challenge, then Docker Hub's `{"details": …}`, then the spec's `errors` list, then the bare status.
 */
async function tokenFailure(response: HttpResponse): Promise<RegistryError> {
  const { status } = response;
  const body = await response.text(TOKEN_BODY_LIMIT).catch(() => '');
  const oauth = findChallenge(parseChallenges(response.headers['www-authenticate']), 'bearer')?.params;
  if (status >= 400 && status < 500 && (oauth?.error === 'invalid_token' || oauth?.error === 'insufficient_scope')) {
    const unauthorized = oauth.error === 'invalid_token';
    const message = oauth.error_description || (unauthorized ? 'authentication required' : 'requested access to the resource is denied');
    return new RegistryError(`${unauthorized ? 'unauthorized' : 'denied'}: ${message}`, { status, code: unauthorized ? 'UNAUTHORIZED' : 'DENIED' });
  }
  const parsed = parseJson(body) as { details?: unknown; errors?: Array<{ code?: unknown; message?: unknown }> } | undefined;
  if (typeof parsed?.details === 'string' && parsed.details) {
    const code = status === 401 ? 'unauthorized' : status === 429 ? 'toomanyrequests' : 'unknown';
    return new RegistryError(`${code}: ${parsed.details}`, { status, code: code.toUpperCase() });
  }
  const errors = Array.isArray(parsed?.errors) ? parsed.errors.filter((error) => typeof error?.code === 'string') : [];
  if (errors.length) {
    const text = errors.map((error) => `${String(error.code).toLowerCase().replaceAll('_', ' ')}: ${typeof error.message === 'string' ? error.message : ''}`.trim()).join(', ');
    return new RegistryError(text, { status, code: String(errors[0].code) });
  }
  if (status === 401) return new RegistryError('unauthorized: authentication required', { status, code: 'UNAUTHORIZED' });
  const name = process.getBuiltinModule('node:http').STATUS_CODES[status] ?? '';
  return new RegistryError(`received unexpected HTTP status: ${status} ${name}`.trim(), { status, code: `HTTP_${status}` });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
