// Go's byte-oriented view of strings: UTF-8 lengths and slices, and strconv.Quote.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** len(s) in Go counts bytes, not UTF-16 code units. */
export function byteLength(text: string): number {
  return isAscii(text) ? text.length : encoder.encode(text).length;
}

/** s[start:end] in Go; a cut through a multi-byte rune decodes as U+FFFD, as a terminal would show it. */
export function byteSlice(text: string, start: number, end?: number): string {
  if (isAscii(text)) return text.slice(start, end);
  return decoder.decode(encoder.encode(text).subarray(start, end));
}

export function runeCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** strconv.Quote: printable runes kept, the rest escaped Go-style. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) out += quoteRune(char, '"');
  return out + '"';
}

/** strconv.QuoteRune, as %q prints an integer. */
export function goQuoteRune(codePoint: number): string {
  const char = isValidRune(codePoint) ? String.fromCodePoint(codePoint) : '\ufffd';
  return `'${quoteRune(char, "'")}'`;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\',
};

function quoteRune(char: string, quote: string): string {
  if (char === quote) return `\\${quote}`;
  const simple = SIMPLE_ESCAPES[char];
  if (simple) return simple;
  const code = char.codePointAt(0) ?? 0;
  if (isPrintable(char)) return char;
  if (code < 0x80) return `\\x${hex(code, 2)}`;
  if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
  return code < 0x10000 ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintable(char: string): boolean {
  return char === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(char);
}

function isValidRune(codePoint: number): boolean {
  return codePoint >= 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
}
