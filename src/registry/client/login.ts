// Checks credentials against a registry before login stores them: GET /v2/, answering its challenge, as dockerd's loginV2 does.
import { WharfError } from '../../errors.ts';
import { Authenticator, type Credentials } from './auth/authenticator.ts';
import { endpointFor } from './endpoint.ts';
import { ConnectionError } from './connection-errors.ts';
import { HttpTransport, type TlsSettings } from './http-transport.ts';
import { loadRegistryConfig, type RegistryConfig } from './registry-config.ts';

export interface LoginResult {
  /** A refresh token the registry's token server handed out: stored instead of the password, as Docker stores it. */
  identityToken?: string;
}

/** Resolves when the registry accepts the credentials; otherwise throws Docker's message (secrets never in it). */
export async function verifyLogin(registry: string, credentials: Credentials, options: { config?: RegistryConfig } = {}): Promise<LoginResult> {
  const endpoint = endpointFor(registry, options.config ?? loadRegistryConfig());
  const transport = new HttpTransport();
  let identityToken: string | undefined;
  const authenticator = new Authenticator({
    transport,
    tls: endpoint.tls,
    credentials,
    offlineToken: true,
    onRefreshToken: (token) => (identityToken = token),
  });
  try {
    const https = new URL('/v2/', endpoint.baseUrl);
    try {
      await attempt({ transport, authenticator, url: https, tls: endpoint.tls });
    } catch (error) {
      // An insecure registry (loopback by default) whose TLS fails, or that speaks plain HTTP, is tried over http://.
      if (!endpoint.insecure || !(error instanceof ConnectionError)) throw error;
      await attempt({ transport, authenticator, url: new URL(https.href.replace(/^https:/, 'http:')), tls: endpoint.tls });
    }
  } finally {
    transport.close();
  }
  return { identityToken };
}

interface Attempt {
  transport: HttpTransport;
  authenticator: Authenticator;
  url: URL;
  tls: TlsSettings;
}

async function attempt({ transport, authenticator, url, tls }: Attempt): Promise<void> {
  const send = () => {
    const authorization = authenticator.authorization([]);
    return transport.send({ method: 'GET', url, tls, headers: authorization ? { authorization } : {} });
  };
  let response = await send();
  response.body.resume();
  if (response.status === 401) {
    let retry: boolean;
    try {
      retry = await authenticator.answer(response.headers['www-authenticate'], []);
    } catch (error) {
      // The token server's refusal (or its absence), named after the request it was for, as Go nests them:
      // `Get "http://…/v2/": unauthorized: …`. Not a ConnectionError: trying the registry over http:// cannot help.
      throw new WharfError(`Get "${url.href}": ${(error as Error).message}`, { cause: error });
    }
    if (retry) {
      response = await send();
      response.body.resume();
    }
  }
  if (response.status === 200) return;
  const statusText = process.getBuiltinModule('node:http').STATUS_CODES[response.status] ?? '';
  throw new WharfError(`login attempt to ${url.href} failed with status: ${response.status} ${statusText}`.trim());
}
