// Finds the image a user means: by name:tag, name@digest, full ID, or a unique ID prefix (Docker's order).
import type { Digest } from '../digest/digest.ts';
import { NotFoundError } from '../errors.ts';
import { canonicalString, familiarString, parseReference, withDefaultTag } from '../reference/reference.ts';
import { resolveIdPrefix } from '../reference/id-prefix.ts';
import type { Store } from '../store/store.ts';

export interface ResolvedImage {
  id: Digest;
  /** The fully qualified reference the input named, when it named one rather than an ID. */
  reference?: string;
}

const FULL_ID = /^(sha256:)?[a-f0-9]{64}$/;

export function resolveImage(store: Store, input: string): ResolvedImage {
  if (FULL_ID.test(input)) {
    const id = (input.startsWith('sha256:') ? input : `sha256:${input}`) as Digest;
    if (store.db.get('SELECT 1 FROM images WHERE id = ?', id)) return { id };
    throw new NotFoundError(`No such image: ${input}`);
  }
  const reference = withDefaultTag(parseReference(input));
  const canonical = canonicalString(reference);
  const table = reference.digest ? 'repo_digests' : 'tags';
  const named = store.db.get(`SELECT image_id FROM ${table} WHERE name = ?`, canonical);
  if (named) return { id: named.image_id as Digest, reference: canonical };
  const byPrefix = findByIdPrefix(store, input);
  if (byPrefix) return { id: byPrefix };
  throw new NotFoundError(`No such image: ${familiarString(reference)}`);
}

function findByIdPrefix(store: Store, input: string): Digest | undefined {
  const hex = input.replace(/^sha256:/, '');
  if (!/^[a-f0-9]+$/.test(hex)) return undefined;
  const candidates = store.db.all('SELECT id FROM images WHERE id >= ? AND id < ?', `sha256:${hex}`, `sha256:${hex}g`).map((row) => String(row.id));
  return resolveIdPrefix(candidates, input) as Digest | undefined;
}
