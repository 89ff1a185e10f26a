// Answers a registry's WWW-Authenticate challenges (Basic, Bearer tokens per scope) for one registry and its credentials.
// CONTRACT (the registry session codes against this; the body is being written by the auth work):
//   authorization(scopes) → the Authorization header value to send, from what earlier challenges taught;
//   answer(challenge, scopes) → after a 401, learns the scheme and fetches a token; true when a retry can succeed.
import type { HttpTransport, TlsSettings } from '../http-transport.ts';

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
}

export class Authenticator {
  private readonly options: AuthenticatorOptions;

  constructor(options: AuthenticatorOptions) {
    this.options = options;
  }

  authorization(_scopes: string[]): string | undefined {
    const { credentials } = this.options;
    if (credentials?.username && credentials.password !== undefined) {
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    return undefined;
  }

  async answer(_challenge: string, _scopes: string[]): Promise<boolean> {
    return false;
  }
}
