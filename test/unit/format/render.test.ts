// docker/cli's --format handling: table templates with a header row through the tabwriter, json, raw templates, errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFormatted, templateSource } from '../../../src/cli/format/render.ts';
import { compileFormatTemplate } from '../../../src/cli/format/template-render.ts';
import { TemplateError } from '../../../src/cli/template/template-error.ts';

class ImageRow {
  readonly Repository: string;
  readonly Tag: string;

  constructor(repository: string, tag: string) {
    this.Repository = repository;
    this.Tag = tag;
  }
  get ID(): string {
    return 'b2aa39c304c2';
  }
  get Size(): string {
    return '4.26MB';
  }
  toJSON(): Record<string, string> {
    return { ID: this.ID, Repository: this.Repository, Size: this.Size, Tag: this.Tag };
  }
}

const headers = { ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Size: 'SIZE' };
const rows = [new ImageRow('busybox', 'latest'), new ImageRow('registry.example.com/team/tool', '<none>')];
const defaultTableFormat = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}';

const cases: Array<[string, string | undefined, unknown[], string]> = [
  ['the default table', undefined, rows,
    'REPOSITORY                       TAG       IMAGE ID       SIZE\n' +
    'busybox                          latest    b2aa39c304c2   4.26MB\n' +
    'registry.example.com/team/tool   <none>    b2aa39c304c2   4.26MB\n'],
  ['a bare "table" is the default table', 'table', rows.slice(0, 1),
    'REPOSITORY   TAG       IMAGE ID       SIZE\nbusybox      latest    b2aa39c304c2   4.26MB\n'],
  ['a table with no rows still has its header', undefined, [], 'REPOSITORY   TAG       IMAGE ID   SIZE\n'],
  ['a value of wide characters is padded by its width', 'table {{.Repository}}\t{{.Tag}}', [new ImageRow('日本', 'latest')],
    'REPOSITORY   TAG\n日本         latest\n'],
  ['a custom table with literal \\t', 'table {{.ID}}\\t{{.Repository}}', rows.slice(0, 1), 'IMAGE ID       REPOSITORY\nb2aa39c304c2   busybox\n'],
  ['header functions keep titles', 'table {{upper .Tag}}\t{{json .Repository}}', rows.slice(0, 1), 'TAG       REPOSITORY\nLATEST    "busybox"\n'],
  ['an unknown header field', 'table {{.Repository}}\t{{.Nope}}', [], 'REPOSITORY   <no value>\n'],
  ['a header stops where its template fails', 'table {{.Repository}}\t{{.Repository.X}}', [], 'REPOSITORY   \n'],
  ['a raw template, one line per row', '{{.Repository}}:{{.Tag}}', rows, 'busybox:latest\nregistry.example.com/team/tool:<none>\n'],
  ['surrounding spaces are trimmed, \\n becomes a newline', '  {{.Tag}}\\n{{.ID}} ', rows.slice(0, 1), 'latest\nb2aa39c304c2\n'],
  ['json is one object per row, HTML-escaped like Docker', 'json', rows,
    '{"ID":"b2aa39c304c2","Repository":"busybox","Size":"4.26MB","Tag":"latest"}\n' +
    '{"ID":"b2aa39c304c2","Repository":"registry.example.com/team/tool","Size":"4.26MB","Tag":"\\u003cnone\\u003e"}\n'],
  ['{{json .}} is the same', '{{json .}}', rows.slice(0, 1), '{"ID":"b2aa39c304c2","Repository":"busybox","Size":"4.26MB","Tag":"latest"}\n'],
  ['plain rows', '{{.A}}', [{ A: 1 }, { A: 2 }], '1\n2\n'],
  ['plain rows encode like Docker contexts: sorted and escaped', 'json', [{ Type: 'Images', Size: '<1kB' }], '{"Size":"\\u003c1kB","Type":"Images"}\n'],
  ['no rows, no output', '{{.ID}}', [], ''],
];

for (const [name, format, rowList, expected] of cases) {
  test(`render: ${name}`, async () => {
    assert.equal(await renderFormatted({ format, defaultTableFormat, headers, rows: rowList }), expected);
  });
}

const failures: Array<[string, string]> = [
  ['{{foo}}', 'template parsing error: template: :1: function "foo" not defined'],
  ['table {{.Repository', 'template parsing error: template: :1: unclosed action'],
  ['{{.Nope}}', 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageRow'],
];

test('render: an unknown field of a plain-object row is an error, as on a Docker context', async () => {
  await assert.rejects(renderFormatted({ format: '{{.Nope}}', defaultTableFormat, headers, rows: [{ A: 1 }] }), {
    message: 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.rowContext',
  });
});

for (const [format, message] of failures) {
  test(`render: ${format} fails as Docker does`, async () => {
    await assert.rejects(renderFormatted({ format, defaultTableFormat, headers, rows }), (error: unknown) => {
      assert.ok(error instanceof TemplateError);
      assert.equal(error.message, message);
      assert.equal(error.fromDaemon, false);
      return true;
    });
  });
}

const sources: Array<[string, string]> = [
  ['json', '{{json .}}'],
  ['table {{.A}}\\t{{.B}}', '{{.A}}\t{{.B}}'],
  ['tablefoo', 'foo'],
  ['{{.A}}\\n', '{{.A}}\n'],
  ['\t{{.A}} ', '\t{{.A}}'],
];

for (const [format, expected] of sources) {
  test(`render: template source of ${JSON.stringify(format)}`, () => assert.equal(templateSource(format), expected));
}

test('render: compileFormatTemplate words parse and execution failures as docker/cli does', () => {
  assert.throws(() => compileFormatTemplate('{{.A'), { message: 'template parsing error: template: :1: unclosed action' });
  const template = compileFormatTemplate('{{.A.B}}', { missingKey: 'error' });
  assert.throws(() => template.execute({ A: {} }), {
    message: 'template parsing error: template: :1:4: executing "" at <.A.B>: map has no entry for key "B"',
  });
  assert.equal(template.execute({ A: { B: 1 } }), '1');
});
