// Bearer token auth: requests carry a JWT from the token endpoint whose `access` claim must cover what they need.
import { RegistryError } from '../error-codes.ts';
import type { Access, Authorizer } from '../dispatch.ts';
import type { RequestContext } from '../request-context.ts';
import type { TokenConfig } from '../config.ts';
import type { TokenClaims } from './jwt.ts';

/** Checks a token's signature and times, returning its claims; undefined when it is not to be trusted. */
export type TokenVerifier = (token: string) => TokenClaims | undefined;

export class TokenAuthorizer implements Authorizer {
  private readonly config: TokenConfig;
  private readonly verify: TokenVerifier;

  constructor(config: TokenConfig, verify: TokenVerifier) {
    this.config = config;
    this.verify = verify;
  }

  async authorize(context: RequestContext, access: Access[]): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(context.req.headers.authorization ?? '');
    if (!match) throw this.challenge(access);
    const claims = this.verify(match[1]);
    if (!claims || claims.aud !== this.config.service || claims.iss !== this.config.issuer) throw this.challenge(access, 'invalid_token');
    const covered = (need: Access) => claims.access.some((grant) => grant.type === need.type && grant.name === need.name && (grant.actions.includes(need.action) || grant.actions.includes('*')));
    if (!access.every(covered)) throw this.challenge(access, 'insufficient_scope');
  }

  /** 401 with the challenge that tells the client where to get a token and for which scope. */
  private challenge(access: Access[], error?: string): RegistryError {
    const scopes = new Map<string, string[]>();
    for (const need of access) {
      const key = `${need.type}:${need.name}`;
      scopes.set(key, [...(scopes.get(key) ?? []), need.action]);
    }
    const scope = [...scopes].map(([key, actions]) => `${key}:${actions.join(',')}`).join(' ');
    const parts = [`realm="${this.config.realm}"`, `service="${this.config.service}"`, ...(scope ? [`scope="${scope}"`] : []), ...(error ? [`error="${error}"`] : [])];
    return new RegistryError('UNAUTHORIZED', { headers: { 'WWW-Authenticate': `Bearer ${parts.join(',')}` }, detail: scope ? { scope } : undefined });
  }
}
