// .dockerignore: parsing its lines and matching context paths against them by moby/patternmatcher's rules.
import { InvalidArgumentError } from '../../errors.ts';
import { badPattern, goClean, goMatch, readClass } from '../../go/path.ts';

/**
 * The patterns of a .dockerignore, as BuildKit's dockerignore.ReadAll gives them: a BOM and `#` comment lines dropped
 * (only a `#` that starts the line), blank lines dropped, each pattern trimmed and cleaned, a leading `/` removed, and a
 * leading `!` kept in front of its cleaned pattern.
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern !== '') {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

interface Pattern {
  /** A `!` pattern: paths it matches are sent after all. */
  exclusion: boolean;
  components: string[];
  matches: (path: string) => boolean;
}

/**
 * Decides which context paths a .dockerignore hides. A pattern that matches a directory matches everything under it;
 * the last pattern that matches a path decides, so a later `!pattern` re-includes what an earlier one excluded.
 */
export class IgnoreMatcher {
  private readonly patterns: Pattern[] = [];

  /** Throws InvalidArgumentError for a pattern Go's filepath.Match would refuse, or a bare `!`. */
  constructor(patterns: readonly string[]) {
    for (const raw of patterns) {
      let text = raw.trim();
      if (text === '') continue;
      const exclusion = text.startsWith('!');
      if (exclusion) {
        if (text.length === 1) throw new InvalidArgumentError('illegal exclusion pattern: "!"');
        text = text.slice(1);
      }
      text = goClean(text);
      goMatch(text, '.');
      this.patterns.push({ exclusion, components: text.split('/'), matches: compileMatcher(text) });
    }
  }

  /** Whether the path (relative to the context root, slash-separated, clean) is hidden; the root never is. */
  excludes(relativePath: string): boolean {
    const last = this.lastMatch(relativePath);
    return last >= 0 && !this.patterns[last].exclusion;
  }

  /**
   * False when the directory is excluded and no later `!` pattern could match anything beneath it, so a walk can skip
   * it whole, as Docker does. Patterns that match the directory (or a parent) match all of its contents alike, so only
   * an exception after the one that excluded it, not matching it but able to match deeper paths, can re-include.
   */
  mayHaveIncludedUnder(relativeDir: string): boolean {
    const last = this.lastMatch(relativeDir);
    if (last < 0 || this.patterns[last].exclusion) return true;
    const dirComponents = relativeDir.split('/');
    return this.patterns.slice(last + 1).some((pattern) => pattern.exclusion && couldMatchBelow(pattern, dirComponents));
  }

  /** The index of the last pattern matching the path or one of its parent directories; -1 for none. */
  private lastMatch(path: string): number {
    if (path === '' || path === '.') return -1;
    const candidates = [...parentsOf(path), path];
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      if (candidates.some(this.patterns[i].matches)) return i;
    }
    return -1;
  }
}

/** `a/b/c` → `a`, `a/b`. */
function parentsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Component by component, since only `**` crosses a `/`; a pattern no longer than the directory can match nothing deeper. */
function couldMatchBelow(pattern: Pattern, dirComponents: string[]): boolean {
  for (const [i, component] of pattern.components.entries()) {
    if (component.includes('**')) return true;
    if (i >= dirComponents.length) return true;
    if (!componentMatches(component, dirComponents[i])) return false;
  }
  return false;
}

/** A class holding `/` (`[/]`) is split by the components: such a pattern is assumed to match. */
function componentMatches(component: string, name: string): boolean {
  try {
    return compileMatcher(component)(name);
  } catch {
    return true;
  }
}

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

/**
 * patternmatcher's compile: `*` and `?` stay within a component, `**` spans any number of them, `[...]` is a Go class
 * and `\` escapes. Its shortcuts are kept because they decide some matches: a literal pattern ending in `**` is a plain
 * prefix test and one starting with `**` a plain suffix test (`**foo` matches `xfoo`).
 */
function compileMatcher(pattern: string): (path: string) => boolean {
  const chars = Array.from(pattern);
  let source = '';
  let kind: MatchKind = 'exact';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '*' && chars[i + 1] === '*') {
      const first = i === 0;
      i += chars[i + 2] === '/' ? 2 : 1;
      if (i < chars.length - 1) {
        source += '(?:.*/)?';
        kind = 'regexp';
      } else if (kind === 'exact') {
        kind = 'prefix';
      } else {
        source += '.*';
        kind = 'regexp';
      }
      if (first) kind = 'suffix';
    } else if (ch === '*' || ch === '?') {
      source += ch === '*' ? '[^/]*' : '[^/]';
      kind = 'regexp';
    } else if (ch === '\\' && i + 1 < chars.length) {
      source += escapeChar(chars[++i]);
      kind = 'regexp';
    } else if (ch === '[') {
      const klass = readClass(chars, i + 1);
      source += classSource(klass.negated, klass.ranges);
      i = klass.next - 1;
      kind = 'regexp';
    } else {
      source += escapeChar(ch);
    }
  }
  return matcherOf(kind, pattern, source);
}

function matcherOf(kind: MatchKind, pattern: string, source: string): (path: string) => boolean {
  switch (kind) {
    case 'exact':
      return (path) => path === pattern;
    case 'prefix': {
      const prefix = pattern.slice(0, -2);
      return (path) => path.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = pattern.slice(2);
      return (path) => path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
    }
    case 'regexp': {
      const regexp = regExpOf(source);
      return (path) => regexp.test(path);
    }
  }
}

function regExpOf(source: string): RegExp {
  try {
    return new RegExp(`^${source}$`, 'u');
  } catch {
    throw badPattern();
  }
}

function classSource(negated: boolean, ranges: Array<[number, number]>): string {
  const hex = (codePoint: number) => `\\u{${codePoint.toString(16)}}`;
  return `[${negated ? '^' : ''}${ranges.map(([low, high]) => (low === high ? hex(low) : `${hex(low)}-${hex(high)}`)).join('')}]`;
}

function escapeChar(ch: string): string {
  return /[\^$\\.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
