// Go's tabwriter as docker/cli configures it (minwidth 10, padding 3, spaces): elastic columns per block of lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCKER_TABLE, tabwrite, tabwriteCells } from '../../../src/cli/format/tabwriter.ts';

const cases: Array<[string, string, string]> = [
  ['columns take the widest cell plus 3, at least 10', 'a\tb\tc\naaaa\tbbbbbbbbbbbbb\tc\n',
    'a         b               c\naaaa      bbbbbbbbbbbbb   c\n'],
  ['the text after the last tab is not padded', 'REPOSITORY\tTAG\nbusybox\tlatest\n', 'REPOSITORY   TAG\nbusybox      latest\n'],
  ['a line without tabs ends the block', 'aaaaaaaaaaaaaaaa\tb\nno tabs here\nc\td\n', 'aaaaaaaaaaaaaaaa   b\nno tabs here\nc         d\n'],
  ['a column spans only the lines that have it', 'a\tbbbbbbbbbbbbbbbbbbbb\tc\nd\te\nf\tg\th\n',
    'a         bbbbbbbbbbbbbbbbbbbb   c\nd         e\nf         g         h\n'],
  ['empty cells are padded', '\tx\n', '          x\n'],
  ['a trailing tab pads the last cell', 'REPOSITORY\t\n', 'REPOSITORY   \n'],
  ['wide characters count two columns', '日本\tx\nab\ty\n', '日本      x\nab        y\n'],
  ['combining marks count none', 'e\u0301\tx\n', 'e\u0301         x\n'],
  ['unterminated last line', 'a\tb', 'a         b'],
  ['a form feed ends every block', 'aaaaaaaaaaaaaaaa\tb\fc\td\n', 'aaaaaaaaaaaaaaaa   b\nc         d\n'],
  ['no input', '', ''],
];

for (const [name, input, expected] of cases) {
  test(`tabwriter: ${name}`, () => {
    assert.equal(tabwrite(input, DOCKER_TABLE), expected);
  });
}

test('tabwriter: other minimum widths and paddings', () => {
  assert.equal(tabwrite('a\tb\nccc\td\n', { minWidth: 0, padding: 1 }), 'a   b\nccc d\n');
});

test('tabwriter: cells lay out as their tab-joined lines do, and printable ASCII only', () => {
  const layouts: string[][][] = [
    [['REPOSITORY', 'TAG', 'IMAGE ID'], ['busybox', 'latest', '0aba82134b24'], ['a-much-longer-name/here', '', 'x']],
    [['ID'], ['abc'], ['']],
    [['A', 'B'], ['', '']],
  ];
  for (const rows of layouts) assert.equal(tabwriteCells(rows, DOCKER_TABLE), tabwrite(rows.map((row) => `${row.join('\t')}\n`).join(''), DOCKER_TABLE));
  for (const odd of ['日本', 'tab\there', 'two\nlines', 'form\ffeed', 'vertical\vtab']) {
    assert.equal(tabwriteCells([['NAME', 'X'], [odd, 'y']], DOCKER_TABLE), undefined, JSON.stringify(odd));
  }
});
