// Parses an HTTP/1.x response's status line and headers, as node:http would present them (lower-case names, repeats joined).
import type { IncomingHttpHeaders } from 'node:http';

export interface ResponseHead {
  status: number;
  headers: IncomingHttpHeaders;
  /** Bytes the head took, its closing blank line included: the body starts here. */
  length: number;
}

/** A head longer than this is not a registry's: Go's client refuses past 1 MB, node:http past 16 KiB. */
export const MAX_HEAD_BYTES = 64 << 10;

const HEAD_END = Buffer.from('\r\n\r\n');

export class MalformedResponseError extends Error {}

/** The head at the start of `bytes`, or undefined while its blank line has not arrived. */
export function parseResponseHead(bytes: Buffer): ResponseHead | undefined {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) {
    if (bytes.length > MAX_HEAD_BYTES) throw new MalformedResponseError(`response head over ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }
  const [statusLine, ...fields] = bytes.toString('latin1', 0, end).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!status) throw new MalformedResponseError(`malformed HTTP status line ${JSON.stringify(statusLine.slice(0, 80))}`);
  return { status: Number(status[1]), headers: parseFields(fields), length: end + HEAD_END.length };
}

function parseFields(lines: string[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    // an obsolete folded line starts with white space; a name is a token, with no space before its colon
    if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) throw new MalformedResponseError(`malformed HTTP header ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers[name];
    if (name === 'set-cookie') headers[name] = [...((previous as string[] | undefined) ?? []), value];
    else headers[name] = previous === undefined ? value : `${previous as string}, ${value}`;
  }
  return headers;
}
