// Go's path.Clean and path.Match (filepath's on slash-separated paths), so patterns in filters and build contexts mean what they mean to Docker.
import { InvalidArgumentError } from '../errors.ts';

/** Go's filepath.ErrBadPattern, in its words. */
export function badPattern(): InvalidArgumentError {
  return new InvalidArgumentError('syntax error in pattern');
}

/** `a//b/./c/..` → `a/b`; a relative path keeps the `..`s that climb above its start, a rooted one drops them; '' → `.`. */
export function goClean(path: string): string {
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (!rooted) parts.push('..');
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Docker's containsWildcards: an unescaped `*`, `?` or `[` makes a COPY source a pattern. */
export function hasWildcards(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === '*' || path[i] === '?' || path[i] === '[') return true;
  }
  return false;
}

/**
 * Go's filepath.Match: `*` and `?` never match `/`, `[...]` classes (`^` negates, `\` escapes), the whole name must
 * match. Throws InvalidArgumentError for a malformed pattern, even when the name already failed to match (as Go does).
 */
export function goMatch(pattern: string, name: string): boolean {
  let chunks = Array.from(pattern);
  let rest = Array.from(name);
  next: while (chunks.length > 0) {
    const { star, chunk, after } = scanChunk(chunks);
    chunks = after;
    if (star && chunk.length === 0) return !rest.includes('/');
    const here = matchChunk(chunk, rest);
    if (here !== undefined && (here.length === 0 || chunks.length > 0)) {
      rest = here;
      continue;
    }
    if (star) {
      for (let skip = 0; skip < rest.length && rest[skip] !== '/'; skip++) {
        const later = matchChunk(chunk, rest.slice(skip + 1));
        if (later === undefined || (chunks.length === 0 && later.length > 0)) continue;
        rest = later;
        continue next;
      }
    }
    checkSyntax(chunks);
    return false;
  }
  return rest.length === 0;
}

function checkSyntax(chunks: string[]): void {
  while (chunks.length > 0) {
    const { chunk, after } = scanChunk(chunks);
    matchChunk(chunk, []);
    chunks = after;
  }
}

/** Leading stars, then the pattern up to the next star outside a class. */
function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; after: string[] } {
  let start = 0;
  while (pattern[start] === '*') start++;
  let inClass = false;
  let end = start;
  for (; end < pattern.length; end++) {
    const ch = pattern[end];
    if (ch === '\\' && end + 1 < pattern.length) end++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '*' && !inClass) break;
  }
  return { star: start > 0, chunk: pattern.slice(start, end), after: pattern.slice(end) };
}

/** What is left of `input` after `chunk` matched its start, or undefined; the whole chunk is always read, to find bad syntax. */
function matchChunk(chunk: string[], input: string[]): string[] | undefined {
  let rest = input;
  let failed = false;
  let i = 0;
  while (i < chunk.length) {
    if (rest.length === 0) failed = true;
    const ch = chunk[i];
    if (ch === '[') {
      const klass = readClass(chunk, i + 1);
      i = klass.next;
      if (!failed) {
        failed = klass.matches(rest[0].codePointAt(0)!) === klass.negated;
        rest = rest.slice(1);
      }
      continue;
    }
    let literal = ch;
    if (ch === '\\') {
      i++;
      if (i >= chunk.length) throw badPattern();
      literal = chunk[i];
    }
    if (!failed) {
      failed = ch === '?' ? rest[0] === '/' : rest[0] !== literal;
      rest = rest.slice(1);
    }
    i++;
  }
  return failed ? undefined : rest;
}

export interface CharClass {
  negated: boolean;
  /** Inclusive code point ranges. */
  ranges: Array<[number, number]>;
  matches(codePoint: number): boolean;
  /** Index just past the closing `]`. */
  next: number;
}

/** The class whose body starts at `start` (just past `[`); throws for an unclosed or malformed one. */
export function readClass(chunk: string[], start: number): CharClass {
  let i = start;
  const negated = chunk[i] === '^';
  if (negated) i++;
  const ranges: Array<[number, number]> = [];
  while (!(chunk[i] === ']' && ranges.length > 0)) {
    const lo = classChar(chunk, i);
    let hi = lo;
    if (chunk[lo.next] === '-') hi = classChar(chunk, lo.next + 1);
    ranges.push([lo.codePoint, hi.codePoint]);
    i = hi.next;
  }
  return { negated, ranges, next: i + 1, matches: (codePoint) => ranges.some(([low, high]) => low <= codePoint && codePoint <= high) };
}

/** Go's getEsc: one class character, `\`-escaped or not, that must be followed by more of the class. */
function classChar(chunk: string[], at: number): { codePoint: number; next: number } {
  let i = at;
  if (i >= chunk.length || chunk[i] === '-' || chunk[i] === ']') throw badPattern();
  if (chunk[i] === '\\') i++;
  if (i >= chunk.length - 1) throw badPattern();
  return { codePoint: chunk[i].codePointAt(0)!, next: i + 1 };
}
