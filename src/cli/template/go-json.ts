// Go's encoding/json over template values: compact output, Go's string escapes, Go's float forms.
import { rfc3339Nano } from '../../go/time.ts';
import { formatFloat } from './go-float.ts';
import { goTypeName, kindOf, sortedEntries } from './go-values.ts';

export interface JsonOptions {
  /** json.Marshal escapes <, > and & (as \u003c …); an Encoder with SetEscapeHTML(false) does not. */
  escapeHtml: boolean;
}

/**
 * Encodes like Go: plain objects keep their key order (they stand for structs), Maps are sorted
 * (Go sorts map keys), properties that are `undefined` are left out.
 */
export function marshalJson(value: unknown, options: JsonOptions): string {
  switch (kindOf(value)) {
    case 'invalid': case 'nil': return 'null';
    case 'bool': return String(value);
    case 'int': return String(value);
    case 'float': return encodeFloat(value as number);
    case 'string': return quoteJson(value as string, options.escapeHtml);
    case 'slice': return `[${(value as unknown[]).map((item) => marshalJson(item, options)).join(',')}]`;
    case 'func': throw new Error(`json: unsupported type: ${goTypeName(value)}`);
    default: return encodeObject(value as object, options);
  }
}

function encodeObject(value: object, options: JsonOptions): string {
  if (value instanceof Date) return quoteJson(rfc3339Nano(value), options.escapeHtml);
  const custom = (value as { toJSON?: unknown }).toJSON;
  // A toJSON method is a MarshalJSON; Docker's build their output with json.Marshal, which escapes HTML.
  if (typeof custom === 'function') return marshalJson(custom.call(value), { escapeHtml: true });
  const entries = value instanceof Map ? sortedEntries(value) : Object.entries(value);
  const members = entries
    .filter(([, item]) => item !== undefined && typeof item !== 'function')
    .map(([key, item]) => `${quoteJson(String(key), options.escapeHtml)}:${marshalJson(item, options)}`);
  return `{${members.join(',')}}`;
}

/** Go writes floats in 'f' form unless tiny or huge, then as 'e' with the exponent's leading zero dropped. */
function encodeFloat(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`json: unsupported value: ${formatFloat(value, 'g', -1)}`);
  const abs = Math.abs(value);
  const exponential = abs !== 0 && (abs < 1e-6 || abs >= 1e21);
  const text = formatFloat(value, exponential ? 'e' : 'f', -1);
  return exponential ? text.replace(/e([-+])0(\d)$/, 'e$1$2') : text;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quoteJson(text: string, escapeHtml: boolean): string {
  const special = escapeHtml ? /[\x00-\x1f"\\<>&\u2028\u2029\ud800-\udfff]/gu : /[\x00-\x1f"\\\u2028\u2029\ud800-\udfff]/gu;
  return `"${text.replace(special, (char) => {
    if (SHORT_ESCAPES[char]) return SHORT_ESCAPES[char];
    // A lone surrogate is invalid UTF-8 to Go, which writes the replacement character.
    if (char.length === 1 && char >= '\ud800' && char <= '\udfff') return '\\ufffd';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  })}"`;
}
