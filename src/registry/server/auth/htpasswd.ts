// Users from an htpasswd file (bcrypt entries only, as distribution accepts), checked with bcryptjs.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { InvalidArgumentError } from '../../../errors.ts';

/**
 * Checks username/password pairs. bcrypt is deliberately slow (tens of ms) and clients send Basic credentials
 * with every request, so a pair once verified is remembered (by a hash of it, never in clear) until the file changes.
 */
export class Htpasswd {
  private readonly path: string;
  private entries = new Map<string, string>();
  private loadedMtimeMs = -1;
  private readonly verified = new Set<string>();

  constructor(path: string) {
    this.path = path;
    this.reload();
  }

  async check(user: string, password: string): Promise<boolean> {
    this.reload();
    const key = createHash('sha256').update(`${user}\0${password}`).digest('hex');
    if (this.verified.has(key)) return true;
    const hash = this.entries.get(user);
    if (!hash) return false;
    const { compare } = await import('bcryptjs');
    const ok = await compare(password, hash);
    if (ok) this.verified.add(key);
    return ok;
  }

  private reload(): void {
    const mtimeMs = statSync(this.path).mtimeMs;
    if (mtimeMs === this.loadedMtimeMs) return;
    const entries = new Map<string, string>();
    for (const [index, line] of readFileSync(this.path, 'utf8').split('\n').entries()) {
      const text = line.trim();
      if (!text || text.startsWith('#')) continue;
      const colon = text.indexOf(':');
      const hash = text.slice(colon + 1);
      if (colon <= 0 || !/^\$2[abxy]?\$\d\d\$/.test(hash)) throw new InvalidArgumentError(`htpasswd ${this.path}:${index + 1}: not a bcrypt entry`, { fromDaemon: false });
      entries.set(text.slice(0, colon), hash);
    }
    this.entries = entries;
    this.verified.clear();
    this.loadedMtimeMs = mtimeMs;
  }
}

/** The user and password of a `Basic` Authorization header, or undefined. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
