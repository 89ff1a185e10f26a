// docker/cli's template functions (json split join title lower upper pad truncate) and the header variants tables use.
import type { FunctionMap, TemplateFunction } from './functions.ts';
import { marshalJson } from './go-json.ts';
import { sprint } from './go-fmt.ts';
import { byteLength, byteSlice } from './go-strings.ts';
import { goTypeName, kindOf, mapValues } from './go-values.ts';

/** docker/cli joins []string directly, other slices item by item with fmt.Sprint, and a map's values sorted. */
function join(elements: unknown, separator: string): string {
  if (elements === null) return '';
  switch (kindOf(elements)) {
    case 'slice': return (elements as unknown[]).map((item) => sprint([item])).join(separator);
    case 'map': return mapValues(elements as object).map((item) => sprint([item])).sort().join(separator);
    default: throw new Error(`expected slice, got ${goTypeName(elements)}`);
  }
}

/** strings.Split: an empty separator splits after each UTF-8 sequence. */
function split(text: string, separator: string): string[] {
  return separator === '' ? Array.from(text) : text.split(separator);
}

/** strings.Title: upper-cases each letter that follows a separator (not a letter, digit or underscore). */
function title(text: string): string {
  let previous = ' ';
  let out = '';
  for (const char of text) {
    out += isSeparator(previous) ? char.toUpperCase() : char;
    previous = char;
  }
  return out;
}

function isSeparator(char: string): boolean {
  if (char.codePointAt(0)! <= 0x7f) return !/^[0-9a-zA-Z_]$/.test(char);
  if (/^[\p{L}\p{Nd}]$/u.test(char)) return false;
  return /^\s$/u.test(char);
}

function pad(source: string, prefix: number, suffix: number): string {
  if (source === '') return source;
  if (prefix < 0 || suffix < 0) throw new Error('strings: negative Repeat count');
  return ' '.repeat(prefix) + source + ' '.repeat(suffix);
}

/** Cuts to a length in bytes, as Go's source[:length] does. */
function truncate(source: string, length: number): string {
  if (byteLength(source) < length) return source;
  if (length < 0) throw new Error(`runtime error: slice bounds out of range [:${length}]`);
  return byteSlice(source, 0, length);
}

/** docker/cli's formatJSON: an Encoder with HTML escaping off, trailing newline trimmed. */
function json(value: unknown): string {
  return marshalJson(value, { escapeHtml: false });
}

export const DOCKER_FUNCTIONS: FunctionMap = {
  json: { params: ['any'], call: json },
  split: { params: ['string', 'string'], call: split },
  join: { params: ['any', 'string'], call: join },
  title: { params: ['string'], call: title },
  lower: { params: ['string'], call: (text: string) => text.toLowerCase() },
  upper: { params: ['string'], call: (text: string) => text.toUpperCase() },
  pad: { params: ['string', 'int', 'int'], call: pad },
  truncate: { params: ['string', 'int'], call: truncate },
};

const identity = (text: string): string => text;
const unary: TemplateFunction = { params: ['string'], call: identity };

/**
 * docker/cli's HeaderFunctions: when a table's header row is rendered from the same template,
 * these leave each column title intact (`pad` is kept so headers line up with padded cells).
 */
export const HEADER_FUNCTIONS: FunctionMap = {
  json: unary,
  split: { params: ['string', 'string'], call: identity },
  join: { params: ['string', 'string'], call: identity },
  title: unary,
  lower: unary,
  upper: unary,
  truncate: { params: ['string', 'int'], call: identity },
};
