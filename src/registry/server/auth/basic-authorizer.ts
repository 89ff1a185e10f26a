// htpasswd Basic auth on every request: any valid user may do anything, as with distribution's htpasswd.
import { RegistryError } from '../error-codes.ts';
import type { Access, Authorizer } from '../dispatch.ts';
import type { RequestContext } from '../request-context.ts';
import { basicCredentials, type Htpasswd } from './htpasswd.ts';

export class BasicAuthorizer implements Authorizer {
  private readonly users: Htpasswd;
  private readonly realm: string;

  constructor(users: Htpasswd, realm: string) {
    this.users = users;
    this.realm = realm;
  }

  async authorize(context: RequestContext, _access: Access[]): Promise<void> {
    const credentials = basicCredentials(context.req.headers.authorization);
    if (credentials && (await this.users.check(credentials.user, credentials.password))) return;
    throw new RegistryError('UNAUTHORIZED', { headers: { 'WWW-Authenticate': `Basic realm="${this.realm}"` } });
  }
}
