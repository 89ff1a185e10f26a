// Go's encoding/json as the `json` template function uses it: key order, HTML escaping rules, numbers, times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTemplate } from '../../../src/cli/template/template.ts';

class ImageRow {
  toJSON(): Record<string, string> {
    return { ID: 'abc', Tag: '<none>' };
  }
}

const cases: Array<[string, unknown, string]> = [
  ['plain objects keep their key order', { b: 1, a: 'x', c: [true, null] }, '{"b":1,"a":"x","c":[true,null]}'],
  ['Maps are sorted like Go maps', new Map([['b', 1], ['a', 2]]), '{"a":2,"b":1}'],
  ['nested objects', { Config: { Labels: { z: '1', a: '2' } } }, '{"Config":{"Labels":{"z":"1","a":"2"}}}'],
  ['undefined properties are left out', { a: undefined, b: 1 }, '{"b":1}'],
  ['the json function does not escape HTML', '<a>&', '"<a>&"'],
  ['toJSON output is escaped, as json.Marshal in MarshalJSON does', new ImageRow(), '{"ID":"abc","Tag":"\\u003cnone\\u003e"}'],
  ['control characters and separators', 'a\u2028b\n\t\x01"\\', '"a\\u2028b\\n\\t\\u0001\\"\\\\"'],
  ['a lone surrogate becomes U+FFFD', 'a\ud800', '"a\\ufffd"'],
  ['integers', 42, '42'],
  ['floats in f form', 1.5, '1.5'],
  ['tiny floats in e form', 1e-7, '1e-7'],
  ['huge floats in e form', 1.5e21, '1.5e+21'],
  ['dates as RFC 3339 with trimmed nanoseconds', new Date(Date.UTC(2023, 10, 14, 22, 13, 20, 500)), '"2023-11-14T22:13:20.5Z"'],
  ['empty containers', { a: [], b: {} }, '{"a":[],"b":{}}'],
  ['null', null, 'null'],
];

for (const [name, value, expected] of cases) {
  test(`json: ${name}`, () => {
    assert.equal(compileTemplate('{{json .}}').execute(value), expected);
  });
}

test('json: a missing value is null', () => {
  assert.equal(compileTemplate('{{json .Nope}}').execute({}), 'null');
});

test('json: NaN cannot be encoded', () => {
  assert.throws(() => compileTemplate('{{json .}}').execute(Number.NaN), {
    message: 'template: :1:2: executing "" at <json .>: error calling json: json: unsupported value: NaN',
  });
});
