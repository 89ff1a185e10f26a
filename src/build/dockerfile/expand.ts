// Docker's shell-word processing of instruction words: quote removal, escapes and $VAR / ${VAR...} expansion.
import { InvalidArgumentError } from '../../errors.ts';

/** The value of a build variable, or undefined when it is unset (which is not the same as empty). */
export type Lookup = (name: string) => string | undefined;

export type EscapeChar = '\\' | '`';

/** One word with its quotes removed and its variables expanded; whitespace stays inside it. */
export function expandWord(raw: string, lookup: Lookup, escape: EscapeChar = '\\'): string {
  return new WordLexer(raw, lookup, escape).run().text;
}

/**
 * The same, split on whitespace that is neither quoted nor escaped; whitespace inside a variable's value
 * splits too (`$LIST` gives several words), and empty quotes give no word, as in Docker.
 */
export function expandWords(raw: string, lookup: Lookup, escape: EscapeChar = '\\'): string[] {
  return new WordLexer(raw, lookup, escape).run().words;
}

/** A heredoc body as BuildKit expands it (its lexer's SkipProcessQuotes): $VARs and escapes processed, quotes kept as text. */
export function expandKeepingQuotes(raw: string, lookup: Lookup): string {
  return new WordLexer(raw, lookup, '\\', true).run().text;
}

/** Text read up to a stop character, whole and split into words. */
interface Lexed {
  text: string;
  words: string[];
}

const WHITESPACE = /\s/;

/** Collects words: raw pieces (quoted, escaped) never split, expanded ones split on whitespace. */
class WordCollector {
  private readonly words: string[] = [];
  private current = '';

  addSplitting(text: string): void {
    for (const char of text) {
      if (!WHITESPACE.test(char)) this.current += char;
      else this.flush();
    }
  }

  addRaw(text: string): void {
    this.current += text;
  }

  finish(): string[] {
    this.flush();
    return this.words;
  }

  private flush(): void {
    if (this.current !== '') this.words.push(this.current);
    this.current = '';
  }
}

class WordLexer {
  private pos = 0;
  private readonly source: string;
  private readonly lookup: Lookup;
  private readonly escape: EscapeChar;
  private readonly keepQuotes: boolean;

  constructor(source: string, lookup: Lookup, escape: EscapeChar, keepQuotes = false) {
    this.source = source;
    this.lookup = lookup;
    this.escape = escape;
    this.keepQuotes = keepQuotes;
  }

  run(): Lexed {
    try {
      return this.readUntil(undefined, false);
    } catch (error) {
      if (!(error instanceof SyntaxProblem)) throw error;
      throw new InvalidArgumentError(`failed to process ${JSON.stringify(this.source)}: ${error.message}`);
    }
  }

  private peek(): string | undefined {
    return this.source[this.pos];
  }

  private next(): string | undefined {
    return this.source[this.pos++];
  }

  // rawEscapes keeps the escape character in the text: ${VAR#pattern} patterns need it to tell `\*` from `*`.
  private readUntil(stop: string | undefined, rawEscapes: boolean): Lexed {
    let text = '';
    const words = new WordCollector();
    for (let char = this.peek(); char !== undefined; char = this.peek()) {
      if (char === stop) {
        this.pos++;
        return { text, words: words.finish() };
      }
      if (char === '$') {
        const value = this.readDollar();
        text += value;
        words.addSplitting(value);
      } else if ((char === "'" || char === '"') && !this.keepQuotes) {
        const quoted = char === "'" ? this.readSingleQuoted() : this.readDoubleQuoted(rawEscapes);
        text += quoted;
        words.addRaw(quoted);
      } else {
        this.pos++;
        if (char !== this.escape) {
          text += char;
          words.addSplitting(char);
          continue;
        }
        if (rawEscapes) text += char;
        const escaped = this.next();
        // An escape character ending the word is dropped.
        if (escaped === undefined) break;
        text += escaped;
        words.addRaw(rawEscapes ? char + escaped : escaped);
      }
    }
    if (stop !== undefined) throw new SyntaxProblem(`unexpected end of statement while looking for matching ${stop}`);
    return { text, words: words.finish() };
  }

  // Everything up to the next single quote is literal; a single quote cannot be escaped inside.
  private readSingleQuoted(): string {
    this.pos++;
    const end = this.source.indexOf("'", this.pos);
    if (end < 0) throw new SyntaxProblem('unexpected end of statement while looking for matching single-quote');
    const quoted = this.source.slice(this.pos, end);
    this.pos = end + 1;
    return quoted;
  }

  // As sh: $ still expands, and the escape character quotes only `"`, `$` and itself (else it stays literal).
  private readDoubleQuoted(rawEscapes: boolean): string {
    this.pos++;
    let text = '';
    for (;;) {
      const char = this.peek();
      if (char === undefined) throw new SyntaxProblem('unexpected end of statement while looking for matching double-quote');
      if (char === '"') {
        this.pos++;
        return text;
      }
      if (char === '$') {
        text += this.readDollar();
        continue;
      }
      this.pos++;
      if (char !== this.escape) {
        text += char;
        continue;
      }
      if (rawEscapes) text += char;
      const escaped = this.peek();
      if (escaped === '"' || escaped === '$' || escaped === this.escape) {
        this.pos++;
        text += escaped;
      } else if (escaped !== undefined) {
        text += char;
      }
    }
  }

  private readDollar(): string {
    this.pos++;
    if (this.peek() !== '{') {
      const name = this.readName();
      return name === '' ? '$' : (this.lookup(name) ?? '');
    }
    this.pos++;
    const first = this.peek();
    if (first === undefined) throw new SyntaxProblem("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new SyntaxProblem('syntax error: bad substitution');
    const name = this.readName();
    const operator = this.next();
    if (operator === '}') return this.lookup(name) ?? '';
    if (operator === undefined) throw new SyntaxProblem("syntax error: missing '}'");
    if (operator === '/') return this.readReplacement(name);
    const modifier = operator === ':' ? `:${this.next() ?? ''}` : operator;
    return this.readModified(name, modifier);
  }

  // ${VAR-word} ${VAR:-word} ${VAR+word} ${VAR:+word} ${VAR?msg} ${VAR:?msg} ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat}
  private readModified(name: string, modifier: string): string {
    if (!MODIFIERS.has(modifier)) throw new SyntaxProblem(`unsupported modifier (${modifier}) in substitution`);
    const isPattern = modifier === '#' || modifier === '%';
    const word = this.readBraced(isPattern);
    const value = this.lookup(name);
    // With a colon, an empty value counts as unset.
    const unset = value === undefined || (modifier.startsWith(':') && value === '');
    switch (modifier.at(-1)) {
      case '-':
        return unset ? word : value;
      case '+':
        return unset ? '' : word;
      case '?':
        if (unset) throw new SyntaxProblem(`${name}: ${word || (value === undefined ? 'is not allowed to be unset' : 'is not allowed to be empty')}`);
        return value;
      default:
        return trimPattern(value ?? '', word, modifier);
    }
  }

  // ${VAR/pattern/replacement} replaces the first (longest) match, ${VAR//pattern/replacement} every match.
  private readReplacement(name: string): string {
    const all = this.peek() === '/';
    if (all) this.pos++;
    const pattern = this.readStoppingAt('/', "syntax error: missing '/' in ${}");
    const replacement = this.readBraced(true);
    const matcher = patternRegExp(pattern, true, false, all ? 'g' : '');
    return (this.lookup(name) ?? '').replace(matcher, () => replacement);
  }

  private readBraced(rawEscapes: boolean): string {
    return this.readStoppingAt('}', "syntax error: missing '}'", rawEscapes);
  }

  private readStoppingAt(stop: string, missing: string, rawEscapes = true): string {
    try {
      return this.readUntil(stop, rawEscapes).text;
    } catch (error) {
      if (error instanceof SyntaxProblem && this.peek() === undefined) throw new SyntaxProblem(missing);
      throw error;
    }
  }

  // A name is letters, digits and _; a leading digit reads digits only ($10) and a special parameter ($@, $#) one character.
  private readName(): string {
    const rest = this.source.slice(this.pos);
    const match = /^(?:\p{Nd}+|[@*#?\-$!0]|[\p{L}\p{Nd}_]+)?/u.exec(rest)![0];
    this.pos += match.length;
    return match;
  }
}

const MODIFIERS = new Set(['-', ':-', '+', ':+', '?', ':?', '#', '%']);

/** A syntax error inside the word, reported with the whole word as Docker does. */
class SyntaxProblem extends Error {}

// ${VAR#pat} strips the shortest prefix matching pat, ## the longest; % and %% the same for suffixes.
function trimPattern(value: string, word: string, modifier: string): string {
  const greedy = word.startsWith(modifier);
  const pattern = greedy ? word.slice(1) : word;
  if (modifier === '#') return trimPrefix(value, pattern, greedy);
  // The shortest rightmost match is the shortest leftmost one of both strings reversed.
  return reverse(trimPrefix(reverse(value), reversePattern(pattern), greedy));
}

function trimPrefix(value: string, pattern: string, greedy: boolean): string {
  const match = patternRegExp(pattern, greedy, true, '').exec(value);
  return match ? value.slice(match[0].length) : value;
}

// Shell patterns: `*` any run, `?` one character, `\` quotes the next (`\}` and `\/` are only escaped delimiters).
function patternRegExp(pattern: string, greedy: boolean, anchored: boolean, flags: string): RegExp {
  const chars = Array.from(pattern);
  let source = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === '*') source += greedy ? '.*' : '.*?';
    else if (char === '?') source += '.';
    else if (char !== '\\') source += escapeRegExp(char);
    else if (chars[i + 1] === '}' || chars[i + 1] === '/') continue;
    else {
      const escaped = chars[++i];
      if (escaped !== '*' && escaped !== '?' && escaped !== '\\') {
        throw new SyntaxProblem(`invalid pattern (${pattern}) in substitution: invalid escape '\\${escaped ?? ''}'`);
      }
      source += `\\${escaped}`;
    }
  }
  return new RegExp(source, `u${flags}`);
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}

function reverse(text: string): string {
  return Array.from(text).reverse().join('');
}

// Reverses a pattern but keeps each `\x` pair in order, so it still escapes the same character.
function reversePattern(pattern: string): string {
  const tokens: string[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    tokens.push(chars[i] === '\\' && i + 1 < chars.length ? chars[i] + chars[++i] : chars[i]);
  }
  return tokens.reverse().join('');
}
