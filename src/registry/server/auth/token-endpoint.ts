// The built-in token endpoint (`--token-realm`): Basic credentials in, a short-lived JWT for the granted scopes out.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenConfig } from '../config.ts';
import { RegistryError } from '../error-codes.ts';
import { replyError, replyJson } from '../http-io.ts';
import type { AccessPolicy } from './access-file.ts';
import { basicCredentials, type Htpasswd } from './htpasswd.ts';
import { signJwt, type TokenClaims } from './jwt.ts';

const TOKEN_SECONDS = 300;

export interface TokenEndpointOptions {
  config: TokenConfig;
  key: Buffer;
  users: Htpasswd | undefined;
  policy: AccessPolicy;
}

/** Serves GET <realm path>?service=…&scope=…; bad credentials get 401, never a token. */
export async function serveToken(options: TokenEndpointOptions, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const credentials = basicCredentials(req.headers.authorization);
  let account: string | undefined;
  if (credentials) {
    if (!options.users || !(await options.users.check(credentials.user, credentials.password))) {
      return replyError(res, new RegistryError('UNAUTHORIZED', { message: 'invalid username or password' }), { 'WWW-Authenticate': `Basic realm="${options.config.realm}"` });
    }
    account = credentials.user;
  }
  const service = query.get('service');
  if (service !== null && service !== options.config.service) {
    return replyError(res, new RegistryError('DENIED', { message: `unknown service ${service}`, status: 400 }));
  }
  const access = query.getAll('scope').flatMap((scope) => scope.split(' ')).flatMap((scope) => grant(options.policy, account, scope));
  const now = Math.floor(Date.now() / 1000);
  const claims: TokenClaims = { iss: options.config.issuer, sub: account ?? '', aud: options.config.service, exp: now + TOKEN_SECONDS, nbf: now - 10, iat: now, jti: randomUUID(), access };
  const token = signJwt(claims, options.key);
  replyJson(res, 200, { token, access_token: token, expires_in: TOKEN_SECONDS, issued_at: new Date(now * 1000).toISOString() });
}

// `repository:team/app:pull,push` → the granted part of it (possibly no actions at all).
function grant(policy: AccessPolicy, account: string | undefined, scope: string): TokenClaims['access'] {
  const match = /^([a-z]+):(.+):([a-z*,]+)$/.exec(scope);
  if (!match) return [];
  const [, type, name, actions] = match;
  const granted = policy.granted(account, type, name, actions.split(','));
  return granted.length ? [{ type, name, actions: granted }] : [];
}
