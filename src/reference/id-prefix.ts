// Resolves a short image ID (`4f2a`, `sha256:4f2a…`) to the one full ID it names among known IDs.
import { InvalidArgumentError } from '../errors.ts';
import { isImageIdLike } from './reference.ts';

const ID_ALGORITHM_PREFIX = 'sha256:';

/**
 * More than one image ID starts with the prefix. The text is the containerd image store's
 * ("ambiguous reference"); Docker's classic store hides the ambiguity and reports
 * "No such image: <name>:latest", which a caller can produce from `prefix`.
 */
export class AmbiguousIdPrefixError extends InvalidArgumentError {
  readonly prefix: string;
  readonly matches: string[];

  constructor(prefix: string, matches: string[]) {
    super('ambiguous reference');
    this.prefix = prefix;
    this.matches = matches;
  }
}

/** The full ID that `input` abbreviates, or undefined when none does or the input cannot be an ID. */
export function resolveIdPrefix(candidates: string[], input: string): string | undefined {
  if (!isImageIdLike(input)) return undefined;
  const wanted = input.startsWith(ID_ALGORITHM_PREFIX) ? input : ID_ALGORITHM_PREFIX + input;
  // The same image can be listed once per name; it is still one match.
  const matches = [...new Set(candidates.filter((id) => id.startsWith(wanted)))];
  if (matches.length > 1) throw new AmbiguousIdPrefixError(input, matches.sort());
  return matches[0];
}
