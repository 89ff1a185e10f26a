// Parses a WWW-Authenticate header (RFC 7235) into its challenges: scheme plus parameters, quoted values unescaped.

export interface Challenge {
  /** Lower-cased: `basic`, `bearer`. */
  scheme: string;
  /** Parameter names lower-cased (`realm`, `service`, `scope`, `error`); values as sent, quotes and escapes removed. */
  params: Record<string, string>;
  /** A bare credential after the scheme (`Negotiate abc==`), when the challenge carries one instead of parameters. */
  token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/** Every challenge in the header, in order; text that is not a challenge is skipped, never thrown on. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((one) => parseChallenges(one));
  const scanner = new Scanner(header);
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  while (scanner.skipSeparators()) {
    const start = scanner.position;
    const name = scanner.token();
    if (!name) {
      scanner.skipUntilComma();
      continue;
    }
    scanner.skipSpaces();
    if (current && scanner.peek() === '=' && !scanner.startsToken68End()) {
      scanner.advance();
      scanner.skipSpaces();
      current.params[name.toLowerCase()] = scanner.peek() === '"' ? scanner.quoted() : scanner.token();
      continue;
    }
    // A token not followed by `=`: a new challenge's scheme.
    scanner.position = start + name.length;
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    scanner.skipSpaces();
    const token68 = scanner.token68();
    if (token68) current.token68 = token68;
  }
  return challenges;
}

/** The first challenge of a scheme, or undefined. */
export function findChallenge(challenges: Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((challenge) => challenge.scheme === scheme);
}

class Scanner {
  position = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  peek(): string {
    return this.text[this.position] ?? '';
  }

  advance(): void {
    this.position++;
  }

  /** Skips spaces and commas; false at the end of the text. */
  skipSeparators(): boolean {
    while (this.position < this.text.length && /[\s,]/.test(this.peek())) this.position++;
    return this.position < this.text.length;
  }

  skipSpaces(): void {
    while (/[ \t]/.test(this.peek())) this.position++;
  }

  skipUntilComma(): void {
    while (this.position < this.text.length && this.peek() !== ',') this.position++;
  }

  token(): string {
    const start = this.position;
    while (this.position < this.text.length && TOKEN_CHAR.test(this.peek())) this.position++;
    return this.text.slice(start, this.position);
  }

  /** `=` that ends a token68 (`abc==`, then a comma or the end) rather than starting a parameter's value. */
  startsToken68End(): boolean {
    let end = this.position;
    while (this.text[end] === '=') end++;
    const rest = this.text.slice(end).trimStart();
    return end - this.position > 1 || rest === '' || rest.startsWith(',');
  }

  /** A token68 after the scheme; nothing when parameters follow instead. */
  token68(): string | undefined {
    const start = this.position;
    while (this.position < this.text.length && TOKEN68_CHAR.test(this.peek())) this.position++;
    while (this.peek() === '=') this.position++;
    const candidate = this.text.slice(start, this.position);
    const rest = this.text.slice(this.position).trimStart();
    if (candidate && (rest === '' || rest.startsWith(','))) return candidate;
    this.position = start;
    return undefined;
  }

  /** A quoted-string: `\x` stands for x; an unterminated one runs to the end. */
  quoted(): string {
    this.position++;
    let value = '';
    while (this.position < this.text.length) {
      const char = this.text[this.position++];
      if (char === '"') return value;
      if (char === '\\' && this.position < this.text.length) value += this.text[this.position++];
      else value += char;
    }
    return value;
  }
}
