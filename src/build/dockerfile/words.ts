// How Docker's parser cuts an instruction's text: keyword, flags, words, JSON arrays and heredoc markers.
import { InvalidArgumentError } from '../../errors.ts';
import { expandWords } from './expand.ts';
import type { EscapeChar } from './expand.ts';

/** Docker splits arguments on these only, not on other Unicode spaces. */
const SEPARATOR = /[\t\v\f\r ]+/;
const WHITESPACE = /\s/;

export interface SplitInstruction {
  keyword: string;
  /** `--name=value` words before the arguments, their quotes and escapes already removed as Docker does. */
  flagWords: string[];
  /** The rest of the line, trimmed. */
  args: string;
}

export function splitInstruction(line: string, escape: EscapeChar): SplitInstruction {
  const [keyword, rest] = splitOnce(line.trim());
  if (rest === undefined) return { keyword, flagWords: [], args: '' };
  const { flagWords, remainder } = extractFlagWords(rest, escape);
  return { keyword, flagWords, args: remainder.trim() };
}

/** The first word and the untouched rest after the whitespace that follows it (Go's regexp Split with n=2). */
export function splitOnce(text: string): [string, string | undefined] {
  const separator = SEPARATOR.exec(text);
  if (!separator) return [text, undefined];
  return [text.slice(0, separator.index), text.slice(separator.index + separator[0].length)];
}

export function splitOnWhitespace(text: string): string[] {
  return text === '' ? [] : text.split(SEPARATOR);
}

// Flags are the leading words that start with `--`; a bare `--` ends them.
function extractFlagWords(text: string, escape: EscapeChar): { flagWords: string[]; remainder: string } {
  const flagWords: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && WHITESPACE.test(text[pos])) pos++;
    if (!text.startsWith('--', pos)) return { flagWords, remainder: text.slice(pos) };
    const flag = readFlagWord(text, pos, escape);
    pos = flag.end;
    if (flag.word === '--') return { flagWords, remainder: text.slice(pos) };
    if (flag.word !== '' || flag.quoted) flagWords.push(flag.word);
  }
}

function readFlagWord(text: string, start: number, escape: EscapeChar): { word: string; end: number; quoted: boolean } {
  let word = '';
  let quote: string | undefined;
  let quoted = false;
  let pos = start;
  for (; pos < text.length; pos++) {
    let char = text[pos];
    if (quote === undefined && WHITESPACE.test(char)) break;
    if (quote === undefined && (char === '"' || char === "'")) {
      quote = char;
      quoted = true;
      continue;
    }
    if (char === quote) {
      quote = undefined;
      continue;
    }
    if (char === escape) {
      // A trailing escape character is dropped (and ends an open quote).
      if (pos + 1 === text.length) break;
      char = text[++pos];
    }
    word += char;
  }
  return { word, end: pos, quoted };
}

/**
 * ENV, LABEL and ARG words: split on unquoted, unescaped whitespace with quotes and escapes kept for the builder
 * to process; only a trailing escape character is dropped.
 */
export function splitKeepingQuotes(text: string, escape: EscapeChar): string[] {
  const words: string[] = [];
  let word = '';
  // Quotes make a word even when empty (`a=""`).
  let quotedWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === undefined && WHITESPACE.test(char)) {
      if (word !== '' || quotedWord) words.push(word);
      word = '';
      quotedWord = false;
      continue;
    }
    if (quote === undefined && (char === '"' || char === "'")) {
      quote = char;
      quotedWord = true;
    } else if (char === quote) {
      quote = undefined;
    } else if (char === escape && quote !== "'") {
      if (i + 1 === text.length) break;
      word += char + text[++i];
      continue;
    }
    word += char;
  }
  if (word !== '' || quotedWord) words.push(word);
  return words;
}

/** The exec form's array, or undefined for anything that is not a JSON array (which Docker runs as shell form). */
export function parseJsonArray(text: string): string[] | undefined {
  const array = readJsonArray(text);
  if (array === undefined) return undefined;
  if (!array.every((item) => typeof item === 'string')) {
    throw new InvalidArgumentError('when using JSON array syntax, arrays must be comprised of strings only');
  }
  return array as string[];
}

export function isJsonArray(text: string): boolean {
  return readJsonArray(text) !== undefined;
}

function readJsonArray(text: string): unknown[] | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A `<<NAME` word: the terminator, whether `<<-` strips leading tabs, and whether the body expands (unquoted name). */
export interface HeredocMarker {
  name: string;
  chomp: boolean;
  expand: boolean;
}

/** The heredoc markers among a line's shell words, in order (`<<<` here-strings are not heredocs). */
export function findHeredocMarkers(line: string): HeredocMarker[] {
  return rawShellWords(line).flatMap((word) => parseHeredocMarker(word) ?? []);
}

export function parseHeredocMarker(word: string): HeredocMarker | undefined {
  const match = /^\d*<<(-?)\s*([^<]*)$/.exec(word);
  if (!match || match[2] === '') return undefined;
  const names = unquotedWords(match[2]);
  if (names?.length !== 1) return undefined;
  // Any quoting of the name (`<<"EOF"`, `<<'EOF'`, `<<E"O"F`) turns expansion off, as in sh.
  return { name: names[0], chomp: match[1] === '-', expand: !/(^|[^\\])['"]/.test(match[2]) };
}

function unquotedWords(text: string): string[] | undefined {
  try {
    return expandWords(text, () => undefined);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return undefined;
    throw error;
  }
}

// Shell words with their quotes and escapes kept; `<< EOF` stays one word. An unclosed quote gives none, as in Docker.
function rawShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === "'" || char === '"') {
      const end = closingQuote(line, i);
      if (end < 0) return [];
      word += line.slice(i, end + 1);
      i = end;
    } else if (char === '\\') {
      word += line.slice(i, i + 2);
      i++;
    } else if (line.startsWith('<<', i)) {
      const marker = /^<<[ \t\r]*/.exec(line.slice(i))![0];
      word += marker;
      i += marker.length - 1;
    } else if (WHITESPACE.test(char)) {
      if (word !== '') words.push(word);
      word = '';
    } else {
      word += char;
    }
  }
  if (word !== '') words.push(word);
  return words;
}

function closingQuote(line: string, start: number): number {
  const quote = line[start];
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === quote) return i;
    if (quote === '"' && line[i] === '\\') i++;
  }
  return -1;
}
