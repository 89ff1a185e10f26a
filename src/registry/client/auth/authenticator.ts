// Answers a registry's WWW-Authenticate challenges (Basic, Bearer tokens per scope) for one registry and its credentials.
// Lifecycle: a request goes out with authorization(scopes) (nothing until a challenge taught the scheme); on a 401,
// answer(challenge, scopes) learns the scheme and, for Bearer, fetches and caches a token; true means a retry can succeed.
// Credentials are sent only once a challenge asked for them: Basic to the registry, or to the Bearer realm.
import type { HttpTransport, TlsSettings } from '../http-transport.ts';
import { findChallenge, parseChallenges } from './challenge.ts';
import { requestToken, type Token } from './token-request.ts';

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth refresh token (config.json's `identitytoken`). */
  identityToken?: string;
  /** A bearer token to send as is (config.json's `registrytoken`). */
  registryToken?: string;
}

export interface AuthenticatorOptions {
  transport: HttpTransport;
  tls?: TlsSettings;
  credentials?: Credentials;
  /** Ask token servers for a refresh token too, as `docker login` does (`offline_token=true`). */
  offlineToken?: boolean;
  /** Hears a refresh token a token server handed out, for login to store as the identity token. */
  onRefreshToken?: (refreshToken: string) => void;
}

interface CachedToken extends Token {
  scopes: string[];
}

export class Authenticator {
  private readonly options: AuthenticatorOptions;
  private scheme?: 'basic' | 'bearer';
  /** Tokens by their requested scope set (sorted, space-joined). */
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(options: AuthenticatorOptions) {
    this.options = options;
  }

  /** The Authorization header for a request needing `scopes`, from what earlier challenges taught; undefined before any. */
  authorization(scopes: string[]): string | undefined {
    const { credentials } = this.options;
    if (this.scheme === 'basic') return basicAuthorization(credentials);
    if (this.scheme !== 'bearer') return undefined;
    if (credentials?.registryToken) return `Bearer ${credentials.registryToken}`;
    const token = this.cachedToken(scopes);
    return token && `Bearer ${token.token}`;
  }

  /**
   * After a 401: learns the scheme from the challenge and, for Bearer, fetches a fresh token for `scopes` (plus any
   * the challenge names). True when a retry can succeed; a token server's refusal is thrown, worded as Docker words it.
   */
  async answer(challengeHeader: string | string[] | undefined, scopes: string[]): Promise<boolean> {
    const challenges = parseChallenges(challengeHeader);
    const bearer = findChallenge(challenges, 'bearer');
    const { credentials } = this.options;
    if (bearer) {
      const known = this.scheme === 'bearer';
      this.scheme = 'bearer';
      if (credentials?.registryToken) return !known;
      const challengeScopes = bearer.params.scope?.split(' ').filter(Boolean) ?? [];
      await this.fetchToken(bearer.params, scopes, challengeScopes);
      return true;
    }
    if (findChallenge(challenges, 'basic')) {
      // Credentials already sent and refused: the same ones again cannot do better.
      const known = this.scheme === 'basic';
      this.scheme = 'basic';
      return !known && basicAuthorization(credentials) !== undefined;
    }
    return false;
  }

  private cachedToken(scopes: string[]): CachedToken | undefined {
    const now = Date.now();
    const exact = this.tokens.get(scopeKey(scopes));
    if (exact && exact.expiresAt > now) return exact;
    for (const token of this.tokens.values()) {
      if (token.expiresAt > now && scopes.every((scope) => token.scopes.some((held) => scopeCovers(held, scope)))) return token;
    }
    return undefined;
  }

  /** One token request per scope set at a time: parallel requests that all met a 401 share it. */
  private fetchToken(challenge: Record<string, string>, scopes: string[], challengeScopes: string[]): Promise<CachedToken> {
    const key = scopeKey(scopes);
    let pending = this.pending.get(key);
    if (!pending) {
      const wanted = [...new Set([...scopes, ...challengeScopes])];
      const { transport, tls, credentials, offlineToken } = this.options;
      pending = requestToken({ transport, tls, challenge, scopes: wanted, credentials, offlineToken })
        .then((token) => {
          const cached = { ...token, scopes: wanted };
          this.tokens.set(key, cached);
          if (token.refreshToken && token.refreshToken !== credentials?.identityToken) this.options.onRefreshToken?.(token.refreshToken);
          return cached;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }
}

function basicAuthorization(credentials: Credentials | undefined): string | undefined {
  if (!credentials?.username || !credentials.password) return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(' ');
}

/** `repository:a:pull,push` covers `repository:a:pull`: same resource, every action wanted held. */
function scopeCovers(held: string, wanted: string): boolean {
  if (held === wanted) return true;
  const heldAt = held.lastIndexOf(':');
  const wantedAt = wanted.lastIndexOf(':');
  if (heldAt < 0 || wantedAt < 0 || held.slice(0, heldAt) !== wanted.slice(0, wantedAt)) return false;
  const actions = new Set(held.slice(heldAt + 1).split(','));
  return actions.has('*') || wanted.slice(wantedAt + 1).split(',').every((action) => actions.has(action));
}
