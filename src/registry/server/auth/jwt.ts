// Compact JWTs signed and verified with HMAC-SHA256 (node:crypto): the registry issues and checks its own tokens.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: Array<{ type: string; name: string; actions: string[] }>;
}

export function signJwt(claims: TokenClaims, key: Buffer): string {
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const payload = encode(claims);
  return `${header}.${payload}.${signature(`${header}.${payload}`, key)}`;
}

/** The claims of a well-signed, current token; undefined for anything else (forged, expired, malformed). */
export function verifyJwt(token: string, key: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const expected = Buffer.from(signature(`${parts[0]}.${parts[1]}`, key));
  const actual = Buffer.from(parts[2]);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 60) return undefined;
    return Array.isArray(claims.access) ? claims : undefined;
  } catch {
    return undefined;
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signature(input: string, key: Buffer): string {
  return createHmac('sha256', key).update(input).digest('base64url');
}
