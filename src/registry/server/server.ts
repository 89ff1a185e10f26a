// The registry's HTTP(S) server: common headers, errors as the spec's JSON, access log, /metrics, graceful shutdown.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Authorizer, dispatch } from './dispatch.ts';
import { RegistryError } from './error-codes.ts';
import { drainBody, reply, replyError } from './http-io.ts';
import { Metrics, routeLabel } from './metrics.ts';
import type { Registry } from './registry.ts';

export interface ServerOptions {
  registry: Registry;
  /** `host:port`; port 0 picks a free one. */
  addr: string;
  tls?: { cert: string; key: string };
  authorizer?: Authorizer;
  /** Extra endpoints outside /v2/ (the token endpoint); true when the request was handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
  /** Receives one JSON line per request; omit to log nothing. */
  accessLog?: (line: string) => void;
  /** Where unexpected (500) errors are reported. */
  errorLog: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  /** The address actually bound, `host:port`. */
  address: string;
  metrics: Metrics;
  /** Stops accepting, lets in-flight requests (uploads) finish, then resolves. */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
}

const API_VERSION = { name: 'Docker-Distribution-API-Version', value: 'registry/2.0' };

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const metrics = new Metrics();
  const handle = (req: IncomingMessage, res: ServerResponse) => void serve(options, metrics, req, res);
  const server = options.tls
    ? createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, handle)
    : createHttpServer(handle);
  server.keepAliveTimeout = 30_000;
  // uploads of large layers may take long; the default 5-minute request timeout would cut them off
  server.requestTimeout = 0;
  const { host, port } = splitAddr(options.addr);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => (server.off('error', reject), resolve()));
  });
  const bound = server.address() as AddressInfo;
  const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  return { server, address, metrics, shutdown: (shutdownOptions) => shutdown(server, shutdownOptions?.timeoutMs ?? 120_000) };
}

async function serve(options: ServerOptions, metrics: Metrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const socket = req.socket;
  const [readBefore, writtenBefore] = [socket.bytesRead, socket.bytesWritten];
  // the raw path, not a URL-normalised one: `/v2/../x` must reach the name check, not turn into `/x`
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const url = { pathname: queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt), searchParams: new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)) };
  res.setHeader(API_VERSION.name, API_VERSION.value);
  metrics.inFlight++;
  res.once('close', () => {
    metrics.inFlight--;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const sample = { method: req.method ?? '', route: routeLabel(url.pathname), status: res.statusCode, bytesIn: socket.bytesRead - readBefore, bytesOut: socket.bytesWritten - writtenBefore, seconds };
    metrics.record(sample);
    options.accessLog?.(JSON.stringify({ time: new Date().toISOString(), remote: socket.remoteAddress, method: sample.method, path: url.pathname, status: sample.status, bytesIn: sample.bytesIn, bytesOut: sample.bytesOut, durationMs: Math.round(seconds * 1000) }));
  });
  try {
    if (url.pathname === '/metrics') return reply(res, 200, { 'Content-Type': 'text/plain; version=0.0.4' }, metrics.render());
    if (options.extraRoutes && (await options.extraRoutes(req, res, url.pathname))) return;
    await dispatch({ req, res, registry: options.registry, query: url.searchParams }, url.pathname, options.authorizer);
  } catch (error) {
    await fail(options, req, res, error);
  }
}

/** A refused request's body is read (up to this much) before the reply, so the client gets to see the reply. */
const DRAIN_LIMIT = 16 << 20;

async function fail(options: ServerOptions, req: IncomingMessage, res: ServerResponse, error: unknown): Promise<void> {
  const registryError = error instanceof RegistryError ? error : new RegistryError('UNKNOWN', { cause: error });
  if (!(error instanceof RegistryError)) {
    if (isClientGone(error, req)) return void res.destroy();
    options.errorLog(`${req.method} ${req.url}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
  // a body left unread would be parsed as the next request on this connection: past the limit, the connection goes
  if (!(await drainBody(req, DRAIN_LIMIT))) res.setHeader('Connection', 'close');
  replyError(res, registryError, registryError.headers);
}

function isClientGone(error: unknown, req: IncomingMessage): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return req.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE';
}

function shutdown(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => (server.closeAllConnections(), resolve()), timeoutMs);
    server.close(() => (clearTimeout(timer), resolve()));
    server.closeIdleConnections();
  });
}

export function splitAddr(addr: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!match) return { host: '0.0.0.0', port: Number(addr) || 5000 };
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port: Number(match[3]) };
}
