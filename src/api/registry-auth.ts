// The client's registry credentials: POST /auth checks them (`docker login` against wharf serve), and a pull or push
// carries them in X-Registry-Auth (what the docker CLI stored), taken instead of the server's own.
import type { Credentials } from '../registry/client/auth/authenticator.ts';
import { credentialKey, loadCredentials, registryOfKey } from '../registry/client/auth/credentials.ts';
import { verifyLogin } from '../registry/client/login.ts';
import { jsonBody } from './api-body.ts';
import { ApiError, sendJson } from './api-errors.ts';
import type { ApiRequest, Route } from './api-routes.ts';

/** Docker's AuthConfig, as the CLI sends it in a body or, base64url-encoded JSON, in X-Registry-Auth. */
interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

function credentialsOf(config: AuthConfig): Credentials | undefined {
  const credentials: Credentials = {
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password } : {}),
    ...(config.identitytoken ? { identityToken: config.identitytoken } : {}),
    ...(config.registrytoken ? { registryToken: config.registrytoken } : {}),
  };
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}

/**
 * The credentials a pull or push uses: the client's from its header when it sent any (the CLI sends `{}` when it has
 * none), else the server's own `~/.docker/config.json`, as wharf's CLI would use them.
 */
export function requestCredentials(header: string | string[] | undefined): (registry: string) => Promise<Credentials | undefined> {
  const fromClient = typeof header === 'string' && header !== '' ? credentialsOf(decodeAuthHeader(header, 'X-Registry-Auth')) : undefined;
  return (registry) => (fromClient ? Promise.resolve(fromClient) : loadCredentials(registry, process.env));
}

/**
 * The credentials a build's pulls use: X-Registry-Config, the CLI's whole `auths` as base64url JSON keyed by registry
 * (`https://index.docker.io/v1/`, `127.0.0.1:5000`), else the server's own.
 */
export function buildCredentials(header: string | string[] | undefined): (registry: string) => Promise<Credentials | undefined> {
  const configs = typeof header === 'string' && header !== '' ? decodeAuthHeader(header, 'X-Registry-Config') as Record<string, AuthConfig> : {};
  const byRegistry = new Map(Object.entries(configs).map(([key, config]) => [registryOfKey(credentialKey(key)), credentialsOf(config)]));
  return (registry) => (byRegistry.get(registry) ? Promise.resolve(byRegistry.get(registry)) : loadCredentials(registry, process.env));
}

function decodeAuthHeader(header: string, name: string): AuthConfig {
  try {
    const config = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new Error('not a JSON object');
    return config as AuthConfig;
  } catch (error) {
    throw new ApiError(400, `invalid ${name} header: ${(error as Error).message}`);
  }
}

/** `docker login` against wharf serve: the registry is asked (GET /v2/ and its challenge); nothing is stored here. */
async function auth({ request, response }: ApiRequest): Promise<void> {
  const config = await jsonBody<AuthConfig>(request);
  const credentials = credentialsOf(config);
  if (!credentials) throw new ApiError(400, 'no credentials in the request body');
  const registry = registryOfKey(credentialKey(config.serveraddress));
  let identityToken: string | undefined;
  try {
    ({ identityToken } = await verifyLogin(registry, credentials));
  } catch (error) {
    // dockerd answers a refused login with 401, its message as the registry gave it (never the password)
    throw new ApiError(401, (error as Error).message);
  }
  sendJson(response, 200, { Status: 'Login Succeeded', IdentityToken: identityToken ?? '' });
}

export const AUTH_ROUTES: Route[] = [{ method: 'POST', pattern: /^\/auth$/, handler: auth }];
