// Picks the authorizer the settings ask for: none, htpasswd Basic, or Bearer tokens with the built-in token endpoint.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServeConfig } from '../config.ts';
import type { Authorizer } from '../dispatch.ts';
import { loadAccessPolicy } from './access-file.ts';
import { BasicAuthorizer } from './basic-authorizer.ts';
import { Htpasswd } from './htpasswd.ts';
import { serveToken } from './token-endpoint.ts';
import { TokenAuthorizer } from './token-authorizer.ts';

export interface Auth {
  authorizer: Authorizer;
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

export async function authorizerFor(config: ServeConfig): Promise<Auth | undefined> {
  const users = config.htpasswd ? new Htpasswd(config.htpasswd.path) : undefined;
  if (config.token) {
    const token = config.token;
    const key = token.keyFile ? readFileSync(token.keyFile) : randomBytes(32);
    const policy = await loadAccessPolicy(token.accessFile);
    const realmPath = new URL(token.realm).pathname;
    return {
      authorizer: new TokenAuthorizer(token, key),
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
