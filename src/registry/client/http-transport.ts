// HTTP(S) requests to registries: kept-alive connections per origin, TLS per registry, timeouts, retries with backoff, redirects.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WharfError } from '../../errors.ts';

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
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  /** Where the response came from, after redirects. */
  url: URL;
  /** Reads the whole body, refusing more than `limit` bytes. */
  text(limit?: number): Promise<string>;
}

/** The connection failed, was cut, or TLS failed: nothing the registry said. */
export class ConnectionError extends WharfError {
  /** TLS failed (or the server speaks plain HTTP): an insecure registry is then tried over http://. */
  readonly tls: boolean;
  readonly retry: boolean;

  constructor(message: string, options: { cause?: unknown; tls: boolean; retry?: boolean }) {
    super(message, { cause: options.cause });
    this.tls = options.tls;
    this.retry = options.retry ?? true;
  }
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

  private agentFor(url: URL, tls: TlsSettings | undefined): http.Agent {
    const key = `${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ca: tls?.ca?.length ? [...tlsRootCertificates(), ...tls.ca] : undefined, cert: tls?.cert, key: tls?.key, rejectUnauthorized: tls?.verify ?? true })
        : new http.Agent({ keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }
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

/** How Go's http client names a request in its errors: `Get "https://host/v2/"`. */
export function goRequest(request: Pick<HttpRequest, 'method' | 'url'>): string {
  const method = request.method.charAt(0) + request.method.slice(1).toLowerCase();
  const url = new URL(request.url);
  url.search = '';
  return `${method} "${url.href}"`;
}

/** Network failures become ConnectionErrors, worded as Go words them; TLS failures are not retried: a retry cannot fix them. */
function connectionError(request: HttpRequest, error: Error): Error {
  if (error instanceof WharfError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const options = { cause: error, tls: false };
  const host = request.url.port ? request.url.host : `${request.url.hostname}:${request.url.protocol === 'https:' ? 443 : 80}`;
  // Nobody listening, or no such host: a retry a moment later would say the same.
  if (code === 'ECONNREFUSED') return new ConnectionError(`${goRequest(request)}: dial tcp ${host}: connect: connection refused`, { ...options, retry: false });
  if (code === 'ENOTFOUND') return new ConnectionError(`${goRequest(request)}: dial tcp: lookup ${request.url.hostname}: no such host`, { ...options, retry: false });
  if (/^(ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/.test(code)) return new ConnectionError(`${goRequest(request)}: ${error.message}`, options);
  const verification = TLS_VERIFY_TEXT[code];
  if (verification) {
    const text = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `${verification} ${request.url.hostname}` : verification;
    return new ConnectionError(`${goRequest(request)}: tls: failed to verify certificate: ${text}`, { ...options, tls: true, retry: false });
  }
  return new ConnectionError(`${goRequest(request)}: ${error.message}`, { ...options, tls: true, retry: false });
}

/** Node's certificate errors as Go's x509 package words them. */
const TLS_VERIFY_TEXT: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'x509: certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'x509: certificate signed by unknown authority',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'x509: certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'x509: certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'x509: certificate has expired or is not yet valid',
  CERT_NOT_YET_VALID: 'x509: certificate has expired or is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'x509: certificate is not valid for',
};

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
