// Picks the authorizer the settings ask for: none, htpasswd Basic, Bearer tokens from the built-in token endpoint, or
// Bearer tokens from an outside token server trusted through a certificate bundle.
import { type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgumentError } from '../../../errors.ts';
import type { ServeConfig } from '../config.ts';
import type { Authorizer } from '../dispatch.ts';
import { loadAccessPolicy } from './access-file.ts';
import { BasicAuthorizer } from './basic-authorizer.ts';
import { Htpasswd } from './htpasswd.ts';
import { verifyJwt, verifyJwtWithKeys } from './jwt.ts';
import { serveToken } from './token-endpoint.ts';
import { TokenAuthorizer } from './token-authorizer.ts';

export interface Auth {
  authorizer: Authorizer;
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

export async function authorizerFor(config: ServeConfig): Promise<Auth | undefined> {
  const users = config.htpasswd ? new Htpasswd(config.htpasswd.path) : undefined;
  if (config.token?.rootCertBundle) {
    // an outside token server (distribution's setup): its realm is the clients' business, its signatures ours
    const keys = certificateKeys(config.token.rootCertBundle);
    return { authorizer: new TokenAuthorizer(config.token, (token) => verifyJwtWithKeys(token, keys)) };
  }
  if (config.token) {
    const token = config.token;
    const key = token.keyFile ? readFileSync(token.keyFile) : randomBytes(32);
    const policy = await loadAccessPolicy(token.accessFile);
    const realmPath = new URL(token.realm).pathname;
    return {
      authorizer: new TokenAuthorizer(token, (jwt) => verifyJwt(jwt, key)),
      extraRoutes: async (req, res, pathname) => {
        if (pathname !== realmPath) return false;
        const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
        await serveToken({ config: token, key, users, policy }, req, res, query);
        return true;
      },
    };
  }
  if (users && config.htpasswd) return { authorizer: new BasicAuthorizer(users, config.htpasswd.realm) };
  return undefined;
}

/** The public keys of every certificate in a PEM bundle. */
function certificateKeys(bundle: string): KeyObject[] {
  const pems = readFileSync(bundle, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!pems.length) throw new InvalidArgumentError(`rootcertbundle ${bundle}: no certificate found`, { fromDaemon: false });
  return pems.map((pem) => new X509Certificate(pem).publicKey);
}
