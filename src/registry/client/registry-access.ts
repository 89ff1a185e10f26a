// Opens repositories for pulls and pushes: one HTTP transport and one client per registry (so tokens and connections are
// shared), with credentials looked up once per registry.
import type { Reference } from '../../reference/reference.ts';
import type { Credentials } from './auth/authenticator.ts';
import { mirrorEndpoints } from './endpoint.ts';
import { HttpTransport } from './http-transport.ts';
import { RegistryClient } from './registry-client.ts';
import { loadRegistryConfig, type RegistryConfig } from './registry-config.ts';
import { Repository } from './repository.ts';

export interface RegistryAccessOptions {
  config?: RegistryConfig;
  /** Looks up what `login` stored for a registry (`docker.io`, `127.0.0.1:5000`). */
  credentials?: (registry: string) => Promise<Credentials | undefined>;
}

export class RegistryAccess {
  readonly config: RegistryConfig;
  private readonly transport = new HttpTransport();
  private readonly clients = new Map<string, Promise<RegistryClient>>();
  private readonly options: RegistryAccessOptions;

  constructor(options: RegistryAccessOptions = {}) {
    this.options = options;
    this.config = options.config ?? loadRegistryConfig();
  }

  async repository(reference: Reference, options: { push: boolean }): Promise<Repository> {
    return new Repository(await this.client(reference.domain), reference.path, options);
  }

  /** Docker Hub's mirrors, to try before Docker Hub itself (pulls only); none for other registries. */
  async mirrorRepositories(reference: Reference): Promise<Repository[]> {
    const credentials = await this.options.credentials?.(reference.domain);
    return mirrorEndpoints(reference.domain, this.config).map(
      (endpoint) => new Repository(new RegistryClient(reference.domain, { transport: this.transport, config: this.config, credentials, endpoint }), reference.path, { push: false }),
    );
  }

  close(): void {
    this.transport.close();
  }

  private client(registry: string): Promise<RegistryClient> {
    let client = this.clients.get(registry);
    if (!client) {
      client = (async () => {
        const credentials = await this.options.credentials?.(registry);
        return new RegistryClient(registry, { transport: this.transport, config: this.config, credentials });
      })();
      this.clients.set(registry, client);
    }
    return client;
  }
}
