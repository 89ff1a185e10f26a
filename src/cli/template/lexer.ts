// Go text/template's lexer: text and action tokens, `{{- -}}` trim markers, comments, Go literals.
import { goQuote } from './go-strings.ts';

export type TokenType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'identifier' | 'variable' | 'dot' | 'nil' | 'bool'
  | 'string' | 'rawString' | 'number' | 'charConstant' | 'complex' | 'pipe' | 'leftParen' | 'rightParen'
  | 'declare' | 'assign' | 'char' | 'keyword' | 'error' | 'eof';

export interface Token {
  type: TokenType;
  /** Offset of the token's first character in the source. */
  pos: number;
  value: string;
  line: number;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const LEFT_DELIM = '{{';
const RIGHT_DELIM = '}}';
const EOF = '';

type State = ((lexer: Lexer) => State) | null;

/** Scans the whole source up front; the token list ends with an `eof` or an `error` token. */
export function lex(source: string): Token[] {
  const lexer = new Lexer(source);
  for (let state: State = lexText; state;) state = state(lexer);
  return lexer.tokens;
}

class Lexer {
  readonly input: string;
  readonly tokens: Token[] = [];
  pos = 0;
  start = 0;
  width = 0;
  parenDepth = 0;
  line = 1;
  countedTo = 0;

  constructor(input: string) {
    this.input = input;
  }

  next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const char = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = char.length;
    this.pos += char.length;
    return char;
  }

  peek(): string {
    const char = this.next();
    this.backup();
    return char;
  }

  backup(): void {
    this.pos -= this.width;
  }

  /** Emits the pending text as a token; returns the usual next state so action states can `return l.emit(…)`. */
  emit(type: TokenType): State {
    this.tokens.push({ type, pos: this.start, value: this.input.slice(this.start, this.pos), line: this.lineAt(this.start) });
    this.start = this.pos;
    return lexInsideAction;
  }

  ignore(): void {
    this.start = this.pos;
  }

  accept(valid: string): boolean {
    const char = this.next();
    if (char !== EOF && valid.includes(char)) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  errorf(message: string): State {
    this.tokens.push({ type: 'error', pos: this.start, value: message, line: this.lineAt(this.start) });
    return null;
  }

  /** Tokens start at ever later offsets, so newlines are counted once, up to each new start. */
  lineAt(pos: number): number {
    for (; this.countedTo < pos; this.countedTo++) {
      if (this.input[this.countedTo] === '\n') this.line++;
    }
    return this.line;
  }

  /** The two characters at pos + offset: enough to see a trim marker without copying the rest of the input. */
  ahead(offset = 0): string {
    return this.input.slice(this.pos + offset, this.pos + offset + 2);
  }

  startsWith(text: string, offset = 0): boolean {
    return this.input.startsWith(text, this.pos + offset);
  }

  skipSpaces(): void {
    while (isSpace(this.input[this.pos] ?? EOF)) this.pos++;
  }

  /** Whether a right delimiter, possibly preceded by " -", comes next. */
  atRightDelim(): { delim: boolean; trim: boolean } {
    if (hasRightTrimMarker(this.ahead()) && this.startsWith(RIGHT_DELIM, 2)) return { delim: true, trim: true };
    return { delim: this.startsWith(RIGHT_DELIM), trim: false };
  }

  /** Identifiers end at space, punctuation that can follow them, or the closing delimiter. */
  atTerminator(): boolean {
    const char = this.peek();
    if (isSpace(char) || [EOF, '.', ',', '|', ':', ')', '('].includes(char)) return true;
    return this.startsWith(RIGHT_DELIM);
  }
}

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}

function isAlphaNumeric(char: string): boolean {
  return char !== EOF && /^[_\p{L}\p{Nd}]$/u.test(char);
}

// A trim marker needs a space beside it so that `{{-3}}` stays the number -3.
function hasLeftTrimMarker(text: string): boolean {
  return text.length >= 2 && text[0] === '-' && isSpace(text[1]);
}

function hasRightTrimMarker(text: string): boolean {
  return text.length >= 2 && isSpace(text[0]) && text[1] === '-';
}

/** Go's %#U: `U+0026 '&'`. */
function describeRune(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${char}'`;
}

function lexText(l: Lexer): State {
  const at = l.input.indexOf(LEFT_DELIM, l.pos);
  if (at < 0) {
    l.pos = l.input.length;
    if (l.pos > l.start) l.emit('text');
    l.emit('eof');
    return null;
  }
  l.pos = at;
  const text = l.input.slice(l.start, at);
  const trimmed = hasLeftTrimMarker(l.ahead(LEFT_DELIM.length)) ? text.length - text.replace(/[ \t\r\n]+$/, '').length : 0;
  l.pos -= trimmed;
  if (l.pos > l.start) l.emit('text');
  l.pos += trimmed;
  l.ignore();
  return lexLeftDelim;
}

function lexLeftDelim(l: Lexer): State {
  l.pos += LEFT_DELIM.length;
  const afterMarker = hasLeftTrimMarker(l.ahead()) ? 2 : 0;
  if (l.startsWith('/*', afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit('leftDelim');
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return lexInsideAction;
}

function lexComment(l: Lexer): State {
  l.pos += 2;
  const end = l.input.indexOf('*/', l.pos);
  if (end < 0) return l.errorf('unclosed comment');
  l.pos = end + 2;
  const { delim, trim } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  l.pos += (trim ? 2 : 0) + RIGHT_DELIM.length;
  if (trim) l.skipSpaces();
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): State {
  const trim = hasRightTrimMarker(l.ahead());
  if (trim) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += RIGHT_DELIM.length;
  l.emit('rightDelim');
  if (trim) {
    l.skipSpaces();
    l.ignore();
  }
  return lexText;
}

function lexInsideAction(l: Lexer): State {
  if (l.atRightDelim().delim) return l.parenDepth === 0 ? lexRightDelim : l.errorf('unclosed left paren');
  const char = l.next();
  switch (char) {
    case EOF: return l.errorf('unclosed action');
    case '=': return l.emit('assign');
    case ':': return l.next() === '=' ? l.emit('declare') : l.errorf('expected :=');
    case '|': return l.emit('pipe');
    case '"': return lexQuote(l);
    case '`': return lexRawQuote(l);
    case '$': return lexVariable(l);
    case "'": return lexChar(l);
    case '(':
      l.parenDepth++;
      return l.emit('leftParen');
    case ')':
      l.parenDepth--;
      return l.parenDepth < 0 ? l.errorf('unexpected right paren') : l.emit('rightParen');
  }
  if (isSpace(char)) {
    l.backup();
    return lexSpace(l);
  }
  // A dot followed by a digit starts a number (.5); otherwise a field.
  if (char === '.' && !/^[0-9]/.test(l.ahead())) return lexFieldOrVariable(l, 'field');
  if (char === '.' || char === '+' || char === '-' || /^[0-9]$/.test(char)) {
    l.backup();
    return lexNumber(l);
  }
  if (isAlphaNumeric(char)) return lexIdentifier(l);
  if (char.codePointAt(0)! < 0x7f && char >= ' ') return l.emit('char');
  return l.errorf(`unrecognized character in action: ${describeRune(char)}`);
}

/** A run of spaces, taking care not to swallow the space of a trim-marked " -}}". */
function lexSpace(l: Lexer): State {
  let count = 0;
  while (isSpace(l.peek())) {
    l.next();
    count++;
  }
  if (hasRightTrimMarker(l.ahead(-1)) && l.startsWith(RIGHT_DELIM, 1)) {
    l.pos--;
    if (count === 1) return lexRightDelim;
  }
  return l.emit('space');
}

function lexIdentifier(l: Lexer): State {
  let char = l.next();
  while (isAlphaNumeric(char)) char = l.next();
  l.backup();
  if (!l.atTerminator()) return l.errorf(`bad character ${describeRune(char)}`);
  const word = l.input.slice(l.start, l.pos);
  if (KEYWORDS.has(word)) return l.emit('keyword');
  if (word === 'nil') return l.emit('nil');
  return l.emit(word === 'true' || word === 'false' ? 'bool' : 'identifier');
}

function lexVariable(l: Lexer): State {
  return l.atTerminator() ? l.emit('variable') : lexFieldOrVariable(l, 'variable');
}

/** `.Name` or `$name`; the leading `.` or `$` has been read. A lone `.` is dot. */
function lexFieldOrVariable(l: Lexer, type: 'field' | 'variable'): State {
  if (l.atTerminator()) return l.emit(type === 'variable' ? 'variable' : 'dot');
  let char = l.next();
  while (isAlphaNumeric(char)) char = l.next();
  l.backup();
  if (!l.atTerminator()) return l.errorf(`bad character ${describeRune(char)}`);
  return l.emit(type);
}

function lexChar(l: Lexer): State {
  for (;;) {
    const char = l.next();
    if (char === '\\') {
      const escaped = l.next();
      if (escaped !== EOF && escaped !== '\n') continue;
    }
    if (char === '\\' || char === EOF || char === '\n') return l.errorf('unterminated character constant');
    if (char === "'") return l.emit('charConstant');
  }
}

function lexQuote(l: Lexer): State {
  for (;;) {
    const char = l.next();
    if (char === '\\') {
      const escaped = l.next();
      if (escaped !== EOF && escaped !== '\n') continue;
    }
    if (char === '\\' || char === EOF || char === '\n') return l.errorf('unterminated quoted string');
    if (char === '"') return l.emit('string');
  }
}

function lexRawQuote(l: Lexer): State {
  const end = l.input.indexOf('`', l.pos);
  if (end < 0) return l.errorf('unterminated raw quoted string');
  l.pos = end + 1;
  return l.emit('rawString');
}

function lexNumber(l: Lexer): State {
  if (!scanNumber(l)) return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign !== '+' && sign !== '-') return l.emit('number');
  // A complex constant: 1+2i, with no spaces and ending in 'i'.
  if (!scanNumber(l) || l.input[l.pos - 1] !== 'i') return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  return l.emit('complex');
}

/** Go's number syntax, loosely: the parser rejects what strconv cannot read. */
function scanNumber(l: Lexer): boolean {
  l.accept('+-');
  let digits = '0123456789_';
  if (l.accept('0')) {
    if (l.accept('xX')) digits = '0123456789abcdefABCDEF_';
    else if (l.accept('oO')) digits = '01234567_';
    else if (l.accept('bB')) digits = '01_';
  }
  l.acceptRun(digits);
  if (l.accept('.')) l.acceptRun(digits);
  if (digits.length === 11 && l.accept('eE')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  if (digits.length === 23 && l.accept('pP')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  l.accept('i');
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}
