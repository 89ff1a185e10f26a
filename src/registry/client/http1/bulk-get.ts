// A GET whose response is read straight off the socket into large chunks. node:http hands each 64 KiB read to a parser
// callback and a stream push in a buffer of its own: ~0.9 CPU-s for a 1 GB body here, against ~0.3 s this way.
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { WharfError } from '../../../errors.ts';
import { BodyCutError, ConnectionError, connectionError, goRequest, type NamedRequest } from '../connection-errors.ts';
import { framingFor } from './body-framing.ts';
import { BulkBody } from './bulk-body.ts';
import { MalformedResponseError, parseResponseHead } from './response-head.ts';

/** The socket's one read buffer: every read lands here and is copied on into the body's chunks. */
const READ_BUFFER_BYTES = 256 << 10;

export interface BulkRequest extends NamedRequest {
  headers?: Record<string, string>;
}

export interface BulkGetOptions {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** For https: CAs, client certificate, verification. */
  tls?: tls.ConnectionOptions;
}

export interface BulkResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: BulkBody;
}

/** Sends the GET on a connection of its own, closed after the response. */
export function bulkGet(request: BulkRequest, options: BulkGetOptions): Promise<BulkResponse> {
  const head = requestHead(request);
  return new Promise((resolve, reject) => {
    let gathered = Buffer.alloc(0);
    let body: BulkBody | undefined;
    const fail = (error: Error) => {
      // a reset once the whole body is in takes nothing from it
      if (body?.isComplete) return void socket.destroy();
      if (body) body.destroy(error instanceof WharfError ? error : new BodyCutError(request, error));
      else reject(connectionError(request, error));
      socket.destroy();
    };
    /** Bytes before the body's: the head, then what follows it in the same read. */
    const onHeadBytes = (bytes: Buffer): boolean => {
      gathered = Buffer.concat([gathered, bytes]);
      const parsed = parseResponseHead(gathered);
      if (!parsed) return true;
      socket.setTimeout(options.idleTimeoutMs);
      body = new BulkBody(framingFor(parsed.status, parsed.headers), () => socket.resume());
      // the reader sees the error through the body's own stream; this only keeps an unread error from throwing
      body.on('error', () => undefined);
      body.on('close', () => socket.destroy());
      const keepReading = body.accept(gathered.subarray(parsed.length));
      resolve({ status: parsed.status, headers: parsed.headers, body });
      return keepReading;
    };
    const onread = {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (length: number, buffer: Buffer): boolean => {
        try {
          return body ? body.accept(buffer.subarray(0, length)) : onHeadBytes(buffer.subarray(0, length));
        } catch (error) {
          fail(error instanceof MalformedResponseError ? new ConnectionError(`${goRequest(request)}: ${error.message}`, { tls: false, retry: false }) : (error as Error));
          return false;
        }
      },
    };
    const socket = connect(request.url, options, onread);
    socket.setTimeout(options.connectTimeoutMs, () => fail(new ConnectionError(`${goRequest(request)}: i/o timeout`, { tls: false })));
    socket.once(request.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => socket.write(head));
    socket.on('error', fail);
    socket.on('close', () => {
      if (body) body.connectionEnded(() => new BodyCutError(request));
      else reject(new ConnectionError(`${goRequest(request)}: EOF`, { tls: false }));
    });
  });
}

type OnRead = { buffer: Buffer; callback: (length: number, buffer: Buffer) => boolean };

function connect(url: URL, options: BulkGetOptions, onread: OnRead): net.Socket {
  // a literal IPv6 address is bracketed in a URL, not in a socket address
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol !== 'https:') return net.connect({ host, port: Number(url.port || 80), onread });
  // Node's types leave out onread for tls, which takes it as net does
  return tls.connect({ ...options.tls, host, port: Number(url.port || 443), servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], onread } as tls.ConnectionOptions);
}

function requestHead(request: BulkRequest): string {
  const fields = Object.entries(request.headers ?? {}).map(([name, value]) => {
    // a line break in a value would start a header of its own
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new ConnectionError(`${goRequest(request)}: invalid header field ${JSON.stringify(name)}`, { tls: false, retry: false });
    return `${name}: ${value}\r\n`;
  });
  return `GET ${request.url.pathname}${request.url.search} HTTP/1.1\r\nHost: ${request.url.host}\r\n${fields.join('')}Connection: close\r\n\r\n`;
}
