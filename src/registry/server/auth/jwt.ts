// Compact JWTs (node:crypto): HMAC-SHA256 for the registry's own tokens, ES256/RS256 for an outside token server's.
import { createHmac, type KeyObject, timingSafeEqual, verify } from 'node:crypto';

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

/** The claims of a well-signed (HS256, our key), current token; undefined for anything else (forged, expired, malformed). */
export function verifyJwt(token: string, key: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || headerOf(parts[0])?.alg !== 'HS256') return undefined;
  const expected = Buffer.from(signature(`${parts[0]}.${parts[1]}`, key));
  const actual = Buffer.from(parts[2]);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return currentClaims(parts[1], nowSeconds);
}

const PUBLIC_KEY_ALGORITHMS: Record<string, { hash: string; ec: boolean }> = {
  ES256: { hash: 'sha256', ec: true },
  ES384: { hash: 'sha384', ec: true },
  RS256: { hash: 'sha256', ec: false },
};

/** As verifyJwt, for a token from an outside token server signed by one of `keys` (distribution's rootcertbundle). */
export function verifyJwtWithKeys(token: string, keys: KeyObject[], nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims | undefined {
  const parts = token.split('.');
  const algorithm = parts.length === 3 ? PUBLIC_KEY_ALGORITHMS[headerOf(parts[0])?.alg ?? ''] : undefined;
  if (!algorithm) return undefined;
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signed = Buffer.from(parts[2], 'base64url');
  const trusted = keys.some((key) => verify(algorithm.hash, data, algorithm.ec ? { key, dsaEncoding: 'ieee-p1363' } : key, signed));
  return trusted ? currentClaims(parts[1], nowSeconds) : undefined;
}

function headerOf(part: string): { alg?: string } | undefined {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { alg?: string };
  } catch {
    return undefined;
  }
}

function currentClaims(part: string, nowSeconds: number): TokenClaims | undefined {
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as TokenClaims;
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
