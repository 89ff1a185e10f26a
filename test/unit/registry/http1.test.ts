// The blob reader's HTTP/1.1: response heads, body framing (length, chunked, until close) however the bytes are split, and bulkGet against real node:http and TLS servers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { BodyCutError, ConnectionError } from '../../../src/registry/client/connection-errors.ts';
import { framingFor } from '../../../src/registry/client/http1/body-framing.ts';
import { bulkGet, type BulkGetOptions } from '../../../src/registry/client/http1/bulk-get.ts';
import { MalformedResponseError, parseResponseHead } from '../../../src/registry/client/http1/response-head.ts';
import { coalesced } from '../../../src/streams/coalesce.ts';
import { makeTestCa } from '../../helpers/test-ca.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

describe('parseResponseHead', () => {
  it('waits for the blank line, then gives status, lower-case headers (repeats joined) and where the body starts', () => {
    const text = 'HTTP/1.1 206 Partial Content\r\nContent-Length: 3\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\nabc';
    assert.equal(parseResponseHead(Buffer.from(text.slice(0, 40))), undefined);
    const head = parseResponseHead(Buffer.from(text))!;
    assert.equal(head.status, 206);
    assert.deepEqual(head.headers, { 'content-length': '3', 'x-a': '1, 2', 'set-cookie': ['a', 'b'] });
    assert.equal(Buffer.from(text).subarray(head.length).toString(), 'abc');
  });

  it('refuses a status line or header that is not HTTP/1.x, and a head that never ends', () => {
    assert.throws(() => parseResponseHead(Buffer.from('HTTP/2 200\r\n\r\n')), MalformedResponseError);
    assert.throws(() => parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')), MalformedResponseError);
    assert.throws(() => parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\n folded: x\r\n\r\n')), MalformedResponseError);
    assert.throws(() => parseResponseHead(Buffer.alloc(70_000, 'a')), /response head over/);
  });
});

/** Feeds `wire` to a framing in pieces cut at `cuts`, returning the body and whether the framing said it was complete. */
function deframe(headers: Record<string, string>, wire: Buffer, cuts: number[], status = 200): { body: Buffer; complete: boolean } {
  const framing = framingFor(status, headers);
  const parts: Buffer[] = [];
  let complete = false;
  let from = 0;
  for (const to of [...cuts, wire.length]) {
    const piece = wire.subarray(from, to);
    complete = framing.feed(piece, (start, end) => parts.push(Buffer.from(piece.subarray(start, end))));
    from = to;
    if (complete) break;
  }
  return { body: Buffer.concat(parts), complete };
}

describe('body framing', () => {
  const chunked = Buffer.from('5;name=value\r\nhello\r\n1A\r\n' + 'x'.repeat(26) + '\r\n0\r\nTrailer: t\r\n\r\nNEXT');
  const chunkedBody = 'hello' + 'x'.repeat(26);

  it('decodes chunked bodies the same however the bytes are split, and stops at the end', () => {
    for (let cut = 1; cut < chunked.length; cut++) {
      const { body, complete } = deframe({ 'transfer-encoding': 'chunked' }, chunked, [cut]);
      assert.equal(body.toString(), chunkedBody, `cut at ${cut}`);
      assert.ok(complete);
    }
    const byteByByte = deframe({ 'transfer-encoding': 'chunked' }, chunked, Array.from({ length: chunked.length }, (_, i) => i + 1));
    assert.equal(byteByByte.body.toString(), chunkedBody);
  });

  it('refuses broken chunked coding and encodings it cannot undo', () => {
    assert.throws(() => deframe({ 'transfer-encoding': 'chunked' }, Buffer.from('zz\r\n'), []), /malformed chunked/);
    assert.throws(() => deframe({ 'transfer-encoding': 'chunked' }, Buffer.from('3\r\nabcX\r\n'), []), /malformed chunked/);
    assert.throws(() => framingFor(200, { 'transfer-encoding': 'gzip' }), /unsupported transfer encoding/);
    assert.throws(() => framingFor(200, { 'content-length': '12, 13' }), /bad Content-Length/);
  });

  it('takes exactly Content-Length bytes, reads until close without one, and none for a 204', () => {
    assert.deepEqual(deframe({ 'content-length': '4' }, Buffer.from('abcdEXTRA'), [2]), { body: Buffer.from('abcd'), complete: true });
    assert.deepEqual(deframe({}, Buffer.from('all of it'), [3]), { body: Buffer.from('all of it'), complete: false });
    assert.ok(framingFor(200, {}).endsAtClose);
    assert.equal(framingFor(204, { 'content-length': '9' }).feed(Buffer.from('x'), () => assert.fail('no body')), true);
  });
});

async function serve(t: TestContext, handler: http.RequestListener, tls?: https.ServerOptions): Promise<string> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const OPTIONS: BulkGetOptions = { connectTimeoutMs: 5_000, idleTimeoutMs: 5_000 };

async function readAll(body: AsyncIterable<Buffer>): Promise<{ bytes: Buffer; sizes: number[] }> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return { bytes: Buffer.concat(parts), sizes: parts.map((part) => part.length) };
}

describe('bulkGet', () => {
  const blob = randomBytes(5 * (1 << 20) + 123);

  it('reads a Content-Length body whole, in chunks of at most 1 MiB, sending the headers it was given', async (t) => {
    let seen: http.IncomingHttpHeaders = {};
    const base = await serve(t, (request, response) => {
      seen = request.headers;
      response.setHeader('content-length', blob.length);
      response.end(blob);
    });
    const response = await bulkGet({ method: 'GET', url: new URL(`${base}/v2/x/blobs/sha256:a?q=1`), headers: { authorization: 'Bearer t' } }, OPTIONS);
    assert.equal(response.status, 200);
    const { bytes, sizes } = await readAll(response.body);
    assert.ok(bytes.equals(blob));
    assert.ok(sizes.every((size) => size <= 1 << 20));
    assert.equal(seen.authorization, 'Bearer t');
    assert.equal(seen.host, new URL(base).host);
  });

  it('reads a chunked body sent in many small writes', async (t) => {
    const base = await serve(t, async (_request, response) => {
      for (let at = 0; at < blob.length; at += 70_001) {
        if (!response.write(blob.subarray(at, at + 70_001))) await new Promise((resolve) => response.once('drain', resolve));
      }
      response.end();
    });
    const response = await bulkGet({ method: 'GET', url: new URL(`${base}/`) }, OPTIONS);
    assert.equal(response.headers['transfer-encoding'], 'chunked');
    assert.ok((await readAll(response.body)).bytes.equals(blob));
  });

  it('fails the body with a cut error when the connection ends early, and the request when no head came', async (t) => {
    const base = await serve(t, (request, response) => {
      if (request.url === '/silent') return void request.socket.destroy();
      response.setHeader('content-length', blob.length);
      response.write(blob.subarray(0, 3 << 20), () => request.socket.destroy());
    });
    const response = await bulkGet({ method: 'GET', url: new URL(`${base}/cut`) }, OPTIONS);
    await assert.rejects(readAll(response.body), (error: Error) => error instanceof BodyCutError && /^Get "http:\/\/127\.0\.0\.1:\d+\/cut": unexpected EOF$/.test(error.message));
    await assert.rejects(bulkGet({ method: 'GET', url: new URL(`${base}/silent`) }, OPTIONS), (error: Error) => error instanceof ConnectionError && /: EOF$/.test(error.message));
  });

  it('says a refused connection as Go does, and refuses a header that would split the request', async () => {
    await assert.rejects(bulkGet({ method: 'GET', url: new URL('http://127.0.0.1:1/v2/') }, OPTIONS), {
      message: 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
    });
    assert.throws(() => bulkGet({ method: 'GET', url: new URL('http://127.0.0.1:1/'), headers: { 'x-a': 'v\r\nInjected: 1' } }, OPTIONS), /invalid header field/);
  });

  it('fills a recycler\'s chunks, and fills one again only once its bytes are consumed', async (t) => {
    const base = await serve(t, (_request, response) => {
      response.setHeader('content-length', blob.length);
      response.end(blob);
    });
    const response = await bulkGet({ method: 'GET', url: new URL(`${base}/`) }, OPTIONS);
    let consumed = 0;
    const seenChunks = new Set<ArrayBufferLike>();
    const parts: Buffer[] = [];
    for await (const chunk of coalesced(response.body, { reusable: (end) => end <= consumed })) {
      seenChunks.add(chunk.buffer);
      parts.push(Buffer.from(chunk));
      consumed += chunk.length;
    }
    assert.ok(Buffer.concat(parts).equals(blob));
    assert.ok(seenChunks.size < parts.length, `${parts.length} chunks in ${seenChunks.size} buffers`);
  });

  it('speaks TLS, verified against the CA it is given and refused without it', async (t) => {
    const dir = tempDir(t, 'wharf-http1-tls-');
    const ca = await makeTestCa(dir, '127.0.0.1');
    const base = await serve(t, (_request, response) => response.end('secure'), { cert: readFileSync(ca.serverCert), key: readFileSync(ca.serverKey) });
    const trusted = await bulkGet({ method: 'GET', url: new URL(`${base}/`) }, { ...OPTIONS, tls: { ca: [readFileSync(ca.caCert, 'utf8')] } });
    assert.equal((await readAll(trusted.body)).bytes.toString(), 'secure');
    await assert.rejects(bulkGet({ method: 'GET', url: new URL(`${base}/`) }, OPTIONS), /tls: failed to verify certificate: x509: certificate signed by unknown authority/);
  });
});
