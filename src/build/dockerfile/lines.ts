// Dockerfile text to logical lines as BuildKit reads it: parser directives, comments, continuations and heredoc bodies.
import type { EscapeChar } from './expand.ts';
import type { Heredoc } from './instructions.ts';
import { DockerfileParseError } from './parse-error.ts';
import { findHeredocMarkers, isJsonArray, splitInstruction } from './words.ts';
import type { HeredocMarker } from './words.ts';

/** One instruction's text and where it sits, the bodies of its heredocs read from the lines after it. */
export interface LogicalLine {
  /** Continuation lines joined: each escape character that ends a line removed, nothing put in its place. */
  text: string;
  line: number;
  endLine: number;
  heredocs: Heredoc[];
}

export interface SourceLines {
  escape: EscapeChar;
  syntax?: string;
  lines: LogicalLine[];
  /** Where Docker reports a file that holds no instruction. */
  lineCount: number;
}

export function readLogicalLines(text: string, fileName: string): SourceLines {
  return new LineReader(text, fileName).read();
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
// `check` is BuildKit's linter configuration: a valid directive that wharf has no use for.
const DIRECTIVE_NAMES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

class LineReader {
  private readonly physical: string[];
  private readonly fileName: string;
  private next = 0;
  private escape: EscapeChar = '\\';
  private continuation = continuationPattern('\\');
  private syntax: string | undefined;

  constructor(text: string, fileName: string) {
    this.physical = text.replace(/^\uFEFF/, '').split('\n').map((line) => line.replace(/\r+$/, ''));
    // A final newline ends the last line; it does not start another.
    if (this.physical.at(-1) === '') this.physical.pop();
    this.fileName = fileName;
  }

  read(): SourceLines {
    this.readDirectives();
    const lines: LogicalLine[] = [];
    while (this.next < this.physical.length) {
      const line = this.readInstruction();
      if (line) lines.push(line);
    }
    const source: SourceLines = { escape: this.escape, lines, lineCount: this.physical.length };
    if (this.syntax !== undefined) source.syntax = this.syntax;
    return source;
  }

  private fail(line: number, reason: string): never {
    throw new DockerfileParseError(this.fileName, line, reason);
  }

  // Directives count only at the very top: the first line that is not one (a comment, a blank line) ends them.
  private readDirectives(): void {
    const seen = new Set<string>();
    for (const [index, line] of this.physical.entries()) {
      const match = DIRECTIVE.exec(line.trimStart());
      const name = match?.[1].toLowerCase();
      if (!match || !name || !DIRECTIVE_NAMES.has(name)) return;
      if (seen.has(name)) this.fail(index + 1, `only one ${name} parser directive can be used`);
      seen.add(name);
      if (name === 'syntax') this.syntax = match[2];
      if (name === 'escape') this.setEscape(match[2], index + 1);
    }
  }

  private setEscape(value: string, line: number): void {
    if (value !== '\\' && value !== '`') this.fail(line, `invalid escape token '${value}' does not match \` or \\`);
    this.escape = value;
    this.continuation = continuationPattern(value);
  }

  private readInstruction(): LogicalLine | undefined {
    const start = this.next + 1;
    const first = this.physical[this.next++].trimStart();
    if (isComment(first)) return undefined;
    let [text, continues] = this.cutContinuation(first);
    if (!continues && text === '') return undefined;
    while (continues && this.next < this.physical.length) {
      const line = this.physical[this.next++];
      // Docker lets comments and blank lines sit inside a continued instruction.
      if (isComment(line) || line.trim() === '') continue;
      const [part, more] = this.cutContinuation(line);
      text += part;
      continues = more;
    }
    const heredocs = this.mayHoldHeredocs(text) ? this.readHeredocs(findHeredocMarkers(text), start) : [];
    return { text, line: start, endLine: this.next, heredocs };
  }

  private cutContinuation(line: string): [string, boolean] {
    const match = this.continuation.exec(line);
    if (!match) return [line, false];
    return [line.slice(0, match.index) + (match[1] ?? ''), true];
  }

  // Only RUN, COPY and ADD (also as ONBUILD triggers) in shell form take heredocs.
  private mayHoldHeredocs(text: string): boolean {
    if (!text.includes('<<')) return false;
    let { keyword, args } = splitInstruction(text, this.escape);
    if (keyword.toUpperCase() === 'ONBUILD') ({ keyword, args } = splitInstruction(args, this.escape));
    return HEREDOC_INSTRUCTIONS.has(keyword.toUpperCase()) && !isJsonArray(args);
  }

  // The bodies follow the instruction one after another, each ended by a line that is exactly its name.
  private readHeredocs(markers: HeredocMarker[], start: number): Heredoc[] {
    return markers.map((marker) => ({ name: marker.name, body: this.readBody(marker, start), chomp: marker.chomp, expand: marker.expand }));
  }

  private readBody(marker: HeredocMarker, start: number): string {
    let body = '';
    while (this.next < this.physical.length) {
      const raw = this.physical[this.next++];
      // Stripped here already, so the body is the same whether or not the reader strips it again.
      const line = marker.chomp ? raw.replace(/^\t+/, '') : raw;
      if (line === marker.name) return body;
      body += `${line}\n`;
    }
    return this.fail(start, 'unterminated heredoc');
  }
}

function isComment(line: string): boolean {
  return line.trimStart().startsWith('#');
}

// The escape character ends a line's text when only spaces and tabs follow, unless it is itself escaped.
function continuationPattern(escape: EscapeChar): RegExp {
  const char = escape === '\\' ? '\\\\' : '`';
  return new RegExp(`([^${char}])${char}[ \\t]*$|^${char}[ \\t]*$`);
}
