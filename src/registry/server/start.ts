// Assembles a registry from its settings: filesystem driver, services, authorizer, token endpoint, and the server.
import { mkdirSync } from 'node:fs';
import type { ServeConfig } from './config.ts';
import { FilesystemDriver } from './filesystem-driver.ts';
import { Registry } from './registry.ts';
import { type RunningServer, startServer } from './server.ts';
import { authorizerFor } from './auth/authorizer-for.ts';

export interface Logs {
  out(text: string): void;
  err(text: string): void;
}

export async function startRegistry(config: ServeConfig, logs: Logs): Promise<RunningServer> {
  mkdirSync(config.root, { recursive: true });
  const registry = new Registry(new FilesystemDriver(config.root), { deleteEnabled: config.deleteEnabled, readOnly: config.readOnly });
  const auth = await authorizerFor(config);
  return await startServer({
    registry,
    addr: config.addr,
    tls: config.tls,
    authorizer: auth?.authorizer,
    extraRoutes: auth?.extraRoutes,
    accessLog: config.accessLog ? (line) => logs.out(`${line}\n`) : undefined,
    errorLog: (line) => logs.err(`error: ${line}\n`),
  });
}
