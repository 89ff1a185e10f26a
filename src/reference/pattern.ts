// Docker's `--filter reference=PATTERN`: Go path.Match globs tried on a reference's familiar forms.
import { goMatch } from '../go/path.ts';
import { familiarName, familiarString } from './reference.ts';
import type { Reference } from './reference.ts';

/**
 * Docker's FamiliarMatch: the pattern is tried on `name:tag` / `name@digest` in familiar form, then on the
 * familiar name alone, so `ubuntu` and `ubuntu:2*` both select `ubuntu:24.04`, but `docker.io/*` selects nothing.
 */
export function matchesReferencePattern(pattern: string, ref: Reference): boolean {
  return goMatch(pattern, familiarString(ref)) || goMatch(pattern, familiarName(ref));
}
