// Finds where an HTTP/1.1 response body's bytes are in what arrives after its head: Content-Length, chunked, or until close.
import type { IncomingHttpHeaders } from 'node:http';
import { MalformedResponseError } from './response-head.ts';

export interface BodyFraming {
  /**
   * Takes the next bytes off the wire and calls `payload(start, end)` for each run of body bytes in them, in order;
   * true once the body is complete (bytes after it are not the body's).
   */
  feed(bytes: Uint8Array, payload: (start: number, end: number) => void): boolean;
  /** The body's length, when the head tells it. */
  readonly length: number | undefined;
  /** Whether the connection's end may end the body (a response with neither length nor chunks). */
  readonly endsAtClose: boolean;
}

/** The framing RFC 9112 §6.3 gives a response to a GET. */
export function framingFor(status: number, headers: IncomingHttpHeaders): BodyFraming {
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return new LengthFraming(0);
  const encoding = headers['transfer-encoding'];
  if (encoding !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(encoding)) throw new MalformedResponseError(`unsupported transfer encoding ${JSON.stringify(encoding)}`);
    return new ChunkedFraming();
  }
  const length = headers['content-length'];
  if (length === undefined) return new UntilCloseFraming();
  if (!/^\d{1,15}$/.test(length)) throw new MalformedResponseError(`bad Content-Length ${JSON.stringify(length)}`);
  return new LengthFraming(Number(length));
}

class LengthFraming implements BodyFraming {
  readonly length: number;
  readonly endsAtClose = false;
  private remaining: number;

  constructor(length: number) {
    this.length = length;
    this.remaining = length;
  }

  feed(bytes: Uint8Array, payload: (start: number, end: number) => void): boolean {
    const taken = Math.min(this.remaining, bytes.length);
    if (taken > 0) payload(0, taken);
    this.remaining -= taken;
    return this.remaining === 0;
  }
}

class UntilCloseFraming implements BodyFraming {
  readonly length = undefined;
  readonly endsAtClose = true;

  feed(bytes: Uint8Array, payload: (start: number, end: number) => void): boolean {
    if (bytes.length > 0) payload(0, bytes.length);
    return false;
  }
}

const LF = 0x0a;
const CR = 0x0d;
/** 15 hex digits: 2^60 bytes, more than any blob and safe as a JS number. */
const MAX_SIZE_DIGITS = 15;

type ChunkState = 'size' | 'extension' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done';

/** Chunked transfer coding: hex size line (extensions ignored), data, CRLF, …, a zero size, trailer lines, a blank line. */
class ChunkedFraming implements BodyFraming {
  readonly length = undefined;
  readonly endsAtClose = false;
  private state: ChunkState = 'size';
  private digits = '';
  private remaining = 0;
  /** Bytes on the current trailer line, CR aside: a blank line ends the body. */
  private lineBytes = 0;

  feed(bytes: Uint8Array, payload: (start: number, end: number) => void): boolean {
    let at = 0;
    while (at < bytes.length && this.state !== 'done') {
      if (this.state === 'data') {
        const end = Math.min(bytes.length, at + this.remaining);
        payload(at, end);
        this.remaining -= end - at;
        at = end;
        if (this.remaining === 0) this.state = 'data-cr';
        continue;
      }
      this.step(bytes[at++]);
    }
    return this.state === 'done';
  }

  private step(byte: number): void {
    switch (this.state) {
      case 'size':
        return this.sizeByte(byte);
      case 'extension':
        if (byte === LF) this.endSizeLine();
        return;
      case 'data-cr':
        if (byte !== CR) throw malformed();
        this.state = 'data-lf';
        return;
      case 'data-lf':
        if (byte !== LF) throw malformed();
        this.state = 'size';
        return;
      case 'trailer':
        if (byte === LF) {
          if (this.lineBytes === 0) this.state = 'done';
          this.lineBytes = 0;
        } else if (byte !== CR) this.lineBytes++;
        return;
    }
  }

  private sizeByte(byte: number): void {
    if (byte === LF) return this.endSizeLine();
    if (byte === CR || byte === 0x20 || byte === 0x09) return;
    if (byte === 0x3b) {
      this.state = 'extension';
      return;
    }
    const digit = String.fromCharCode(byte);
    if (!/[0-9a-fA-F]/.test(digit) || this.digits.length >= MAX_SIZE_DIGITS) throw malformed();
    this.digits += digit;
  }

  private endSizeLine(): void {
    if (this.digits === '') throw malformed();
    this.remaining = Number.parseInt(this.digits, 16);
    this.digits = '';
    this.state = this.remaining === 0 ? 'trailer' : 'data';
  }
}

function malformed(): MalformedResponseError {
  return new MalformedResponseError('malformed chunked encoding');
}
