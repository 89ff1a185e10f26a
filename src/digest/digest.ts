// Content digests (`algorithm:hex`): parsing, validation and hashing of whole buffers.
import { DigestMismatchError } from '../errors.ts';

export type Digest = `${string}:${string}`;

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export function isDigest(value: string): value is Digest {
  const colon = value.indexOf(':');
  if (colon < 0) return false;
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = HEX_LENGTH[algorithm];
  return length !== undefined && hex.length === length && /^[a-f0-9]+$/.test(hex);
}

export function digestAlgorithm(digest: Digest): string {
  return digest.slice(0, digest.indexOf(':'));
}

export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function sha256Of(data: string | Uint8Array): Digest {
  return `sha256:${crypto().createHash('sha256').update(data).digest('hex')}`;
}

export function assertDigest(actual: Digest, expected: Digest, what: string): void {
  if (actual !== expected) {
    throw new DigestMismatchError(`${what}: digest mismatch: expected ${expected}, got ${actual}`);
  }
}

/** The 12-hex-character short form Docker prints for IDs. */
export function shortId(digest: string): string {
  return digestHex(digest as Digest).slice(0, 12);
}

/**
 * node:crypto, loaded on first use: it is one of Node's heaviest modules, and commands that only read
 * the store (`images`, `version`) should not pay for it at start-up.
 */
export function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}
