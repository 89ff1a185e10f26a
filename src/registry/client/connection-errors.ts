// The errors of a connection to a registry (refused, cut, timed out, TLS), worded as Go's http client words them.
import { WharfError } from '../../errors.ts';

/** What an error says of the request it concerns. */
export interface NamedRequest {
  method: string;
  url: URL;
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

/** How Go's http client names a request in its errors: `Get "https://host/v2/"`. */
export function goRequest(request: NamedRequest): string {
  const method = request.method.charAt(0) + request.method.slice(1).toLowerCase();
  const url = new URL(request.url);
  url.search = '';
  return `${method} "${url.href}"`;
}

/** Network failures become ConnectionErrors, worded as Go words them; TLS failures are not retried: a retry cannot fix them. */
export function connectionError(request: NamedRequest, error: Error): Error {
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

/** The connection ended, or was reset, after the response's head and before the whole body. */
export class BodyCutError extends ConnectionError {
  constructor(request: NamedRequest, cause?: unknown) {
    super(`${goRequest(request)}: unexpected EOF`, { cause, tls: false });
  }
}
