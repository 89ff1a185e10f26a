// docker/cli's template functions and the header variants that keep table titles intact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEADER_FUNCTIONS } from '../../../src/cli/template/docker-functions.ts';
import { compileTemplate } from '../../../src/cli/template/template.ts';

const cases: Array<[string, unknown, string]> = [
  ['{{join .L ", "}}', { L: ['a', 'b'] }, 'a, b'],
  ['{{join .L "-"}}', { L: [1, 2.5, true] }, '1-2.5-true'],
  ['{{join .M ","}}', { M: { x: 'b', y: 'a' } }, 'a,b'],
  ['[{{join .N ","}}]', { N: null }, '[]'],
  ['{{split "a,b,c" ","}}', {}, '[a b c]'],
  ['{{index (split "a:b" ":") 1}}', {}, 'b'],
  ['{{split "ab" ""}} {{len (split "" "")}}', {}, '[a b] 0'],
  ['{{title "hello wORLD foo_bar x-y é"}}', {}, 'Hello WORLD Foo_bar X-Y É'],
  ['{{lower "ABC"}} {{upper "abc"}}', {}, 'abc ABC'],
  ['{{truncate "abcdef" 3}} {{truncate "abc" 3}} {{truncate "ab" 3}}', {}, 'abc abc ab'],
  ['{{truncate .ID 12}}', { ID: 'sha256:0123456789abcdef' }, 'sha256:01234'],
  ['[{{pad "x" 1 2}}] [{{pad "" 1 2}}]', {}, '[ x  ] []'],
];

for (const [source, data, expected] of cases) {
  test(`docker function: ${source}`, () => {
    assert.equal(compileTemplate(source).execute(data), expected);
  });
}

test('docker function: pad refuses negative counts as strings.Repeat does', () => {
  assert.throws(() => compileTemplate('{{pad "x" -1 0}}').execute({}), {
    message: 'template: :1:2: executing "" at <pad "x" -1 0>: error calling pad: strings: negative Repeat count',
  });
});

test('header functions return the column title unchanged', () => {
  const template = compileTemplate('{{json .Labels}}|{{upper .Name}}|{{join .Names ","}}|{{truncate .ID 2}}|{{pad .Size 1 1}}');
  const header = { Labels: 'LABELS', Name: 'name', Names: 'NAMES', ID: 'IMAGE ID', Size: 'SIZE' };
  assert.equal(template.withFunctions(HEADER_FUNCTIONS).execute(header), 'LABELS|name|NAMES|IMAGE ID| SIZE ');
});

test('withFunctions leaves the original template alone', () => {
  const template = compileTemplate('{{upper .}}');
  template.withFunctions(HEADER_FUNCTIONS);
  assert.equal(template.execute('a'), 'A');
});
