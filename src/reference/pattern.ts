// Docker's `--filter reference=PATTERN`: Go path.Match globs tried on a reference's familiar forms.
import { InvalidArgumentError } from '../errors.ts';
import { familiarName, familiarString } from './reference.ts';
import type { Reference } from './reference.ts';

/** Tests one character of the name (a code point, as Go's `?` and classes read runes). */
type CharTest = (char: string) => boolean;

/** A run of single-character tests, optionally preceded by a `*` (Go's "chunk"). */
interface Chunk {
  star: boolean;
  tests: CharTest[];
}

/**
 * Docker's FamiliarMatch: the pattern is tried on `name:tag` / `name@digest` in familiar form, then on the
 * familiar name alone, so `ubuntu` and `ubuntu:2*` both select `ubuntu:24.04`, but `docker.io/*` selects nothing.
 */
export function matchesReferencePattern(pattern: string, ref: Reference): boolean {
  return matchGlob(pattern, familiarString(ref)) || matchGlob(pattern, familiarName(ref));
}

/**
 * Go's path.Match: `*` is any run without `/`, `?` one character but `/`, `[a-z]` / `[^a-z]` classes
 * (which may match `/`), `\` escapes. Throws Go's "syntax error in pattern" for any malformed pattern.
 */
export function matchGlob(pattern: string, name: string): boolean {
  return matchChunks(compileGlob(pattern), Array.from(name));
}

function syntaxError(): InvalidArgumentError {
  return new InvalidArgumentError('syntax error in pattern');
}

// Go checks the whole pattern whatever the name, so compiling it first reports the same errors.
function compileGlob(pattern: string): Chunk[] {
  const chars = Array.from(pattern);
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < chars.length) {
    const chunk: Chunk = { star: false, tests: [] };
    for (; chars[i] === '*'; i++) chunk.star = true;
    while (i < chars.length && chars[i] !== '*') i = readTest(chars, i, chunk.tests);
    chunks.push(chunk);
  }
  return chunks;
}

// Reads one term at chars[i] into tests; returns the index after it.
function readTest(chars: string[], i: number, tests: CharTest[]): number {
  const char = chars[i];
  if (char === '[') return readClass(chars, i + 1, tests);
  if (char === '?') {
    tests.push((c) => c !== '/');
    return i + 1;
  }
  if (char !== '\\') {
    tests.push((c) => c === char);
    return i + 1;
  }
  if (i + 1 >= chars.length) throw syntaxError();
  const escaped = chars[i + 1];
  tests.push((c) => c === escaped);
  return i + 2;
}

// Reads a class body starting after `[`; Go requires at least one range and a closing `]`.
function readClass(chars: string[], start: number, tests: CharTest[]): number {
  let i = start;
  const negated = chars[i] === '^';
  if (negated) i++;
  const ranges: Array<[number, number]> = [];
  while (!(chars[i] === ']' && ranges.length > 0)) {
    const low = readClassChar(chars, i);
    let high = low;
    if (chars[low.next] === '-') high = readClassChar(chars, low.next + 1);
    ranges.push([low.code, high.code]);
    i = high.next;
  }
  tests.push((c) => {
    const code = c.codePointAt(0) as number;
    return ranges.some(([low, high]) => low <= code && code <= high) !== negated;
  });
  return i + 1;
}

// One possibly escaped class character; like Go, it must not be the last thing in the pattern.
function readClassChar(chars: string[], start: number): { code: number; next: number } {
  const first = chars[start];
  if (first === undefined || first === '-' || first === ']') throw syntaxError();
  const at = first === '\\' ? start + 1 : start;
  if (at + 1 >= chars.length) throw syntaxError();
  return { code: chars[at].codePointAt(0) as number, next: at + 1 };
}

// Go's strategy, not full backtracking: each chunk takes the leftmost place a star lets it reach,
// except that the last chunk must end the name. A star never skips `/`.
function matchChunks(chunks: Chunk[], name: string[]): boolean {
  let pos = 0;
  for (let c = 0; c < chunks.length; c++) {
    const { star, tests } = chunks[c];
    const last = c === chunks.length - 1;
    if (star && tests.length === 0) return !name.slice(pos).includes('/');
    const accepts = (end: number) => end >= 0 && (!last || end === name.length);
    let end = matchAt(tests, name, pos);
    if (!accepts(end) && star) end = matchAfterStar(tests, name, pos, accepts);
    if (!accepts(end)) return false;
    pos = end;
  }
  return pos === name.length;
}

function matchAfterStar(tests: CharTest[], name: string[], pos: number, accepts: (end: number) => boolean): number {
  for (let start = pos + 1; start <= name.length && name[start - 1] !== '/'; start++) {
    const end = matchAt(tests, name, start);
    if (accepts(end)) return end;
  }
  return -1;
}

// The index after the chunk when it matches at pos, else -1.
function matchAt(tests: CharTest[], name: string[], pos: number): number {
  if (pos + tests.length > name.length) return -1;
  return tests.every((test, k) => test(name[pos + k])) ? pos + tests.length : -1;
}
