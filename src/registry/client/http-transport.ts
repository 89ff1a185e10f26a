// HTTP(S) requests to registries: kept-alive connections per origin, TLS per registry, timeouts, retries with backoff, redirects.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WharfError } from '../../errors.ts';
import { ConnectionError, connectionError, goRequest } from './connection-errors.ts';
import { bulkGet } from './http1/bulk-get.ts';

export interface TlsSettings {
  /** Extra CA certificates (PEM), added to the system's. */
  ca?: string[];
  cert?: string;
  key?: string;
  /** False for an insecure registry: TLS without verification. */
  verify: boolean;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** A Buffer can be sent again on a retry; a stream cannot, so a request with one is tried once. */
  body?: Buffer | Readable;
  tls?: TlsSettings;
  /** A GET of a large body (a blob): read off a connection of its own in large chunks rather than through node:http. */
  bulk?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  /** Where the response came from, after redirects. */
  url: URL;
  /** Reads the whole body, refusing more than `limit` bytes. */
  text(limit?: number): Promise<string>;
}

const RETRIES = 3;
const BACKOFF_MS = 200;
const CONNECT_TIMEOUT_MS = 30_000;
const IDLE_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 10;
const DEFAULT_TEXT_LIMIT = 8 << 20;
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

/**
 * The registry answered (a refusal, say) before a streamed body was all sent: the rest is not sent, so its producer is
 * free to stop, and the connection, which cannot carry another request, goes once the answer is read.
 */
function stopSending(body: Readable, outgoing: http.ClientRequest, incoming: http.IncomingMessage): void {
  body.unpipe(outgoing);
  incoming.on('close', () => outgoing.destroy());
}

export class HttpTransport {
  private readonly agents = new Map<string, http.Agent>();

  /** Sends `request`, following redirects and retrying idempotent failures; the caller reads or drains the body. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const replayable = request.body === undefined || Buffer.isBuffer(request.body);
    for (let attempt = 0; ; attempt++) {
      const last = !replayable || attempt >= RETRIES;
      try {
        const response = await this.followRedirects(request);
        if (last || !RETRIED_STATUSES.has(response.status)) return response;
        response.body.resume();
        await sleep(retryDelay(attempt, response.headers['retry-after']));
      } catch (error) {
        if (last || !(error instanceof ConnectionError) || !error.retry) throw error;
        await sleep(retryDelay(attempt));
      }
    }
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private async followRedirects(request: HttpRequest): Promise<HttpResponse> {
    let current = request;
    for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
      const response = await this.once(current);
      const location = response.headers.location;
      if (!isRedirect(response.status) || !location) return response;
      response.body.resume();
      const next = new URL(location, current.url);
      // A redirect to blob storage (an S3 signed URL) must not carry the registry's credentials.
      const headers = { ...current.headers };
      if (next.host !== current.url.host) delete headers.authorization;
      const method = response.status === 303 ? 'GET' : current.method;
      current = { ...current, url: next, headers, method, body: method === 'GET' ? undefined : current.body };
    }
    throw new WharfError(`stopped after ${MAX_REDIRECTS} redirects at ${current.url.origin}`);
  }

  private once(request: HttpRequest): Promise<HttpResponse> {
    if (request.bulk && request.method === 'GET') return this.bulk(request);
    const { url } = request;
    const secure = url.protocol === 'https:';
    const module = secure ? https : http;
    return new Promise((resolve, reject) => {
      const outgoing = module.request(url, {
        method: request.method,
        headers: request.headers,
        agent: this.agentFor(url, request.tls),
        timeout: CONNECT_TIMEOUT_MS,
      });
      outgoing.on('timeout', () => outgoing.destroy(new ConnectionError(`${goRequest(request)}: i/o timeout`, { tls: false })));
      outgoing.on('error', (error) => reject(connectionError(request, error)));
      outgoing.on('response', (incoming) => {
        // From here on, a silent connection is a stalled body: the reader sees the error.
        outgoing.setTimeout(IDLE_TIMEOUT_MS);
        incoming.on('error', () => undefined);
        if (request.body && !Buffer.isBuffer(request.body) && !outgoing.writableEnded) stopSending(request.body, outgoing, incoming);
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: incoming, url, text: (limit) => readText(incoming, limit) });
      });
      if (request.body === undefined) outgoing.end();
      else if (Buffer.isBuffer(request.body)) outgoing.end(request.body);
      else {
        request.body.on('error', (error) => outgoing.destroy(error));
        request.body.pipe(outgoing);
      }
    });
  }

  private async bulk(request: HttpRequest): Promise<HttpResponse> {
    const { url } = request;
    const options = { connectTimeoutMs: CONNECT_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS, tls: tlsOptions(request.tls) };
    const { status, headers, body } = await bulkGet(request, options);
    return { status, headers, body, url, text: (limit) => readText(body, limit) };
  }

  private agentFor(url: URL, tls: TlsSettings | undefined): http.Agent {
    const key = `${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true, ...tlsOptions(tls) }) : new http.Agent({ keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

function tlsOptions(tls: TlsSettings | undefined): { ca?: string[]; cert?: string; key?: string; rejectUnauthorized: boolean } {
  return { ca: tls?.ca?.length ? [...tlsRootCertificates(), ...tls.ca] : undefined, cert: tls?.cert, key: tls?.key, rejectUnauthorized: tls?.verify ?? true };
}

function tlsRootCertificates(): readonly string[] {
  return process.getBuiltinModule('node:tls').getCACertificates('default');
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function retryDelay(attempt: number, retryAfter?: string): number {
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds > 0) return Math.min(seconds, 10) * 1000;
  return BACKOFF_MS * 2 ** attempt;
}

async function readText(stream: Readable, limit = DEFAULT_TEXT_LIMIT): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new WharfError(`response body is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
