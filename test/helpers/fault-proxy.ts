// An HTTP proxy in front of a real registry that breaks chosen requests on purpose: statuses, bad bytes, cut or stalled bodies.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** What a matching request gets instead of the registry's answer (or on top of it). */
export type FaultAction =
  /** This status; with `error`, the spec's JSON error body; with `retryAfter`, a Retry-After header (seconds). */
  | { kind: 'status'; status: number; error?: { code: string; message: string }; retryAfter?: number; headers?: Record<string, string> }
  /** The registry's answer with one byte of the body flipped, at the middle: the bytes no longer match their digest. */
  | { kind: 'corrupt' }
  /** The registry's headers and the first `afterBytes` bytes of the body, then the connection closes (FIN). */
  | { kind: 'truncate'; afterBytes: number }
  /** The connection is reset (RST): before any answer, or after `afterBytes` bytes of the body. */
  | { kind: 'reset'; afterBytes?: number }
  /** The first `afterBytes` bytes of the body, then nothing until `release()`; the rest flows after. */
  | { kind: 'stall'; afterBytes: number }
  /** The first `afterBytes` bytes of the request's body (an upload) reach the registry, then nothing until `release()`. */
  | { kind: 'stall-upload'; afterBytes: number }
  /** Content-Length says `extra` bytes more than the body has (fewer when negative); the connection closes after the body. */
  | { kind: 'content-length'; extra: number }
  /** The manifest JSON rewritten by `edit`, served with a consistent digest, length and type: a registry that lies. */
  | { kind: 'manifest'; edit: (manifest: ManifestJson) => void };

export interface ManifestJson {
  mediaType?: string;
  config: { digest: string; size: number; mediaType: string };
  layers: Array<{ digest: string; size: number; mediaType: string }>;
  [key: string]: unknown;
}

export interface FaultRule {
  /** Any method when absent. */
  method?: string;
  /** Matched against the request path (with its query). */
  path: RegExp;
  /** Matching requests that get the fault before later ones pass through; every one when absent. */
  times?: number;
  action: FaultAction;
}

export interface Fault {
  /** Matching requests so far, faulted or passed through. */
  readonly hits: number;
  /** Matching requests that got the fault. */
  readonly faulted: number;
  /** Resolves once a `stall` fault holds a body. */
  readonly stalled: Promise<void>;
  release(): void;
  remove(): void;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`, as image references name it. */
  host: string;
  port: number;
  add(rule: FaultRule): Fault;
  /** Removes every fault, releasing stalled bodies. */
  clear(): void;
  /** Points the proxy at another registry (one started again after a kill). */
  setUpstream(url: string): void;
  /** Every request seen, as `METHOD path`, with ` range=bytes=N-` when it asked for part of a blob. */
  readonly log: string[];
  close(): Promise<void>;
}

interface ActiveFault extends Fault {
  rule: FaultRule;
  hits: number;
  faulted: number;
  markStalled(): void;
  releases: Array<() => void>;
}

/** Listens on `port` (0: a free one) and forwards to `upstream` (`http://127.0.0.1:5000`); closed after the test. */
export async function startFaultProxy(t: Pick<TestContext, 'after'>, upstream: string, options: { port?: number } = {}): Promise<FaultProxy> {
  let target = new URL(upstream);
  const faults: ActiveFault[] = [];
  const log: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((request, response) => {
    log.push(`${request.method} ${request.url}${request.headers.range ? ` range=${request.headers.range}` : ''}`);
    const fault = matchingFault(faults, request);
    if (fault?.rule.action.kind === 'status') return answerStatus(request, response, fault.rule.action);
    if (fault?.rule.action.kind === 'reset' && fault.rule.action.afterBytes === undefined) return void request.socket.resetAndDestroy();
    forward(request, response, target, fault);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    if (!server.listening) return;
    faults.forEach((fault) => fault.release());
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  };
  t.after(close);
  return {
    host: `127.0.0.1:${port}`,
    port,
    log,
    add: (rule) => {
      const fault = activeFault(rule, () => faults.splice(faults.indexOf(fault) >>> 0, 1));
      faults.push(fault);
      return fault;
    },
    clear: () => faults.splice(0).forEach((fault) => fault.release()),
    setUpstream: (url) => void (target = new URL(url)),
    close,
  };
}

function activeFault(rule: FaultRule, detach: () => void): ActiveFault {
  let markStalled = () => undefined as void;
  const stalled = new Promise<void>((resolve) => (markStalled = resolve));
  const fault: ActiveFault = {
    rule,
    hits: 0,
    faulted: 0,
    stalled,
    markStalled: () => markStalled(),
    releases: [],
    release: () => fault.releases.splice(0).forEach((resume) => resume()),
    remove: () => {
      fault.release();
      detach();
    },
  };
  return fault;
}

/** The first fault whose rule matches and still has faults to give; every matching fault counts the hit. */
function matchingFault(faults: ActiveFault[], request: http.IncomingMessage): ActiveFault | undefined {
  let chosen: ActiveFault | undefined;
  for (const fault of faults) {
    const { method, path, times } = fault.rule;
    if ((method && method !== request.method) || !path.test(request.url ?? '')) continue;
    fault.hits++;
    if (chosen || (times !== undefined && fault.faulted >= times)) continue;
    fault.faulted++;
    chosen = fault;
  }
  return chosen;
}

function answerStatus(request: http.IncomingMessage, response: http.ServerResponse, action: Extract<FaultAction, { kind: 'status' }>): void {
  request.resume();
  const body = action.error && request.method !== 'HEAD' ? Buffer.from(JSON.stringify({ errors: [{ ...action.error, detail: null }] })) : Buffer.alloc(0);
  const headers: Record<string, string> = { 'content-length': String(body.length), ...action.headers };
  if (action.error) headers['content-type'] = 'application/json; charset=utf-8';
  if (action.retryAfter !== undefined) headers['retry-after'] = String(action.retryAfter);
  response.writeHead(action.status, headers).end(body);
}

function forward(request: http.IncomingMessage, response: http.ServerResponse, target: URL, fault: ActiveFault | undefined): void {
  const outgoing = http.request({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers });
  // A registry that is gone before it answered gets a gateway's answer, as from nginx in front of a dead registry.
  outgoing.on('error', () => (response.headersSent ? response.destroy() : response.writeHead(502, { 'content-length': '0' }).end()));
  response.on('close', () => outgoing.destroy());
  if (fault?.rule.action.kind === 'stall-upload') stallUpload(request, outgoing, fault.rule.action.afterBytes, fault);
  else request.pipe(outgoing);
  outgoing.on('response', (upstream) => {
    // The registry died mid-body (or reset): the client must see the cut, not a short body that looks complete.
    upstream.on('close', () => upstream.complete || response.destroy());
    const action = fault?.rule.action;
    if (action?.kind === 'manifest' && request.method === 'GET' && upstream.statusCode === 200) return void rewriteManifest(upstream, response, action.edit);
    const headers = { ...upstream.headers };
    if (action?.kind === 'content-length' && headers['content-length'] !== undefined) headers['content-length'] = String(Number(headers['content-length']) + action.extra);
    response.writeHead(upstream.statusCode ?? 502, headers);
    if (!action || request.method === 'HEAD' || action.kind === 'manifest' || action.kind === 'stall-upload') return void upstream.pipe(response);
    relayWithFault(upstream, response, action, fault!);
  });
}

/** Streams the body through, breaking it as the action says. */
function relayWithFault(upstream: http.IncomingMessage, response: http.ServerResponse, action: FaultAction, fault: ActiveFault): void {
  const flipAt = Math.floor(Number(upstream.headers['content-length'] ?? 0) / 2);
  const limit = 'afterBytes' in action ? action.afterBytes : undefined;
  let sent = 0;
  const onData = (chunk: Buffer) => {
    let piece = chunk;
    if (action.kind === 'corrupt' && flipAt >= sent && flipAt < sent + chunk.length) {
      piece = Buffer.from(chunk);
      piece[flipAt - sent] ^= 0xff;
    }
    if (limit !== undefined && sent + piece.length >= limit) {
      const head = piece.subarray(0, limit - sent);
      sent = limit;
      upstream.off('data', onData).off('end', onEnd);
      if (action.kind === 'stall') return stall(upstream, response, head, piece.subarray(head.length), fault);
      // The rest is read and dropped, so the registry's side ends normally.
      upstream.resume();
      response.write(head, () => (action.kind === 'reset' ? response.socket?.resetAndDestroy() : response.socket?.end()));
      return;
    }
    sent += piece.length;
    if (!response.write(piece)) {
      upstream.pause();
      response.once('drain', () => upstream.resume());
    }
  };
  // A body shorter than its Content-Length: the connection has to close for the client to notice.
  const onEnd = () => (action.kind === 'content-length' ? response.socket?.end() : response.end());
  upstream.on('data', onData).on('end', onEnd);
}

function stall(upstream: http.IncomingMessage, response: http.ServerResponse, head: Buffer, rest: Buffer, fault: ActiveFault): void {
  upstream.pause();
  response.write(head);
  fault.markStalled();
  fault.releases.push(() => {
    response.write(rest);
    upstream.pipe(response);
  });
}

function stallUpload(request: http.IncomingMessage, outgoing: http.ClientRequest, afterBytes: number, fault: ActiveFault): void {
  let sent = 0;
  request.on('data', (chunk: Buffer) => {
    const before = sent;
    sent += chunk.length;
    if (!outgoing.write(chunk)) {
      request.pause();
      outgoing.once('drain', () => request.resume());
    }
    if (before < afterBytes && sent >= afterBytes) {
      request.pause();
      fault.markStalled();
      fault.releases.push(() => request.resume());
    }
  });
  request.on('end', () => outgoing.end());
}

async function rewriteManifest(upstream: http.IncomingMessage, response: http.ServerResponse, edit: (manifest: ManifestJson) => void): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of upstream) chunks.push(chunk as Buffer);
  const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ManifestJson;
  edit(manifest);
  const bytes = Buffer.from(JSON.stringify(manifest));
  response.writeHead(200, {
    'content-type': manifest.mediaType ?? String(upstream.headers['content-type']),
    'content-length': String(bytes.length),
    'docker-content-digest': `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  });
  response.end(bytes);
}
