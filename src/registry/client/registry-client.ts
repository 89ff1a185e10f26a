// One registry's API root: finds how to reach it (https, or http for an insecure one), and sends requests that answer auth challenges.
import type { Readable } from 'node:stream';
import { Authenticator, type Credentials } from './auth/authenticator.ts';
import { endpointFor, type Endpoint } from './endpoint.ts';
import { ConnectionError, goRequest } from './connection-errors.ts';
import type { HttpResponse, HttpTransport } from './http-transport.ts';
import { MissingCredentialsError } from './registry-errors.ts';
import type { RegistryConfig } from './registry-config.ts';

export interface RegistryClientOptions {
  transport: HttpTransport;
  config: RegistryConfig;
  credentials?: Credentials;
  /** Another way in than the registry's own, such as a mirror of Docker Hub. */
  endpoint?: Endpoint;
}

export interface RegistryRequest {
  method: string;
  /** Under the API root: `/v2/team/busybox/manifests/v1`, or an absolute upload Location. */
  path: string;
  /** The token scopes the request needs (`repository:team/busybox:pull`). */
  scopes: string[];
  headers?: Record<string, string>;
  /** A stream cannot be sent twice: send it only once the scopes are authorised (after an earlier request). */
  body?: Buffer | Readable;
  /** A blob's GET: see HttpRequest.bulk. */
  bulk?: boolean;
}

export class RegistryClient {
  readonly endpoint: Endpoint;
  private readonly options: RegistryClientOptions;
  private readonly authenticator: Authenticator;
  private base?: Promise<URL>;

  constructor(registry: string, options: RegistryClientOptions) {
    this.options = options;
    this.endpoint = options.endpoint ?? endpointFor(registry, options.config);
    this.authenticator = new Authenticator({ transport: options.transport, tls: this.endpoint.tls, credentials: options.credentials });
  }

  get registry(): string {
    return this.endpoint.registry;
  }

  /** Sends the request; on a 401 answers the challenge and sends it once more. The caller reads or drains the body. */
  async request(request: RegistryRequest): Promise<HttpResponse> {
    const base = await this.resolveBase(request.scopes);
    const url = new URL(request.path, base);
    const first = await this.send(url, request);
    const challenge = first.headers['www-authenticate'];
    const replayable = request.body === undefined || Buffer.isBuffer(request.body);
    if (first.status !== 401 || !challenge || !replayable) return first;
    if (!(await this.authenticator.answer(challenge, request.scopes))) {
      if (this.options.credentials || !/^\s*basic/i.test(String(challenge))) return first;
      first.body.resume();
      // Docker's words when a registry wants a password and none was stored.
      throw new MissingCredentialsError(`${goRequest({ method: request.method, url })}: no basic auth credentials`);
    }
    first.body.resume();
    return this.send(url, request);
  }

  /** GET /v2/: tells whether the registry answers at all, and learns its auth scheme. */
  async ping(scopes: string[]): Promise<HttpResponse> {
    return this.request({ method: 'GET', path: '/v2/', scopes });
  }

  private send(url: URL, request: RegistryRequest): Promise<HttpResponse> {
    const authorization = this.authenticator.authorization(request.scopes);
    const headers = { ...request.headers, ...(authorization ? { authorization } : {}) };
    return this.options.transport.send({ method: request.method, url, headers, body: request.body, tls: this.endpoint.tls, bulk: request.bulk });
  }

  /**
   * The first request goes to /v2/ over https; an insecure registry whose TLS fails is then tried over http,
   * as Docker does. The ping's challenge is answered at once, so the first real request carries a token.
   */
  private resolveBase(scopes: string[]): Promise<URL> {
    // A failed probe is forgotten, so the next request (a retry once the registry is back) probes again.
    this.base ??= this.probe(scopes).catch((error: unknown) => {
      this.base = undefined;
      throw error;
    });
    return this.base;
  }

  private async probe(scopes: string[]): Promise<URL> {
    const https = this.endpoint.baseUrl;
    try {
      await this.answerPing(https, scopes);
      return https;
    } catch (error) {
      if (!this.endpoint.insecure || !(error instanceof ConnectionError)) throw error;
      const http = new URL(https.href.replace(/^https:/, 'http:'));
      await this.answerPing(http, scopes);
      return http;
    }
  }

  private async answerPing(base: URL, scopes: string[]): Promise<void> {
    const response = await this.send(new URL('/v2/', base), { method: 'GET', path: '/v2/', scopes });
    response.body.resume();
    const challenge = response.headers['www-authenticate'];
    if (response.status === 401 && challenge) await this.authenticator.answer(challenge, scopes);
  }
}
