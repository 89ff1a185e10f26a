// Go's exact parse and execution error texts, which Docker shows after "template parsing error: ".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { GO_TYPE_NAME } from '../../../src/cli/template/go-values.ts';
import { TemplateError } from '../../../src/cli/template/template-error.ts';
import { compileTemplate } from '../../../src/cli/template/template.ts';

const parseErrors: Array<[string, string]> = [
  ['{{foo}}', 'template: :1: function "foo" not defined'],
  ['line1\n{{', 'template: :2: unclosed action'],
  ['line1\n{{"x"\n"y"\n', 'template: :4: unclosed action started at :2'],
  ['{{\n\n\n\n\n', 'template: :6: unclosed action started at :1'],
  ['line1\n{{\nx\n}}', 'template: :3: function "x" not defined'],
  ['{{/*}}', 'template: :1: unclosed comment'],
  ['{{/* c */ .A}}', 'template: :1: comment ends before closing delimiter'],
  ['{{.X (1 2 3}}', 'template: :1: unclosed left paren'],
  ['{{.X 1 2 3 ) }}', 'template: :1: unexpected right paren'],
  ['{{`x`3}}', 'template: :1: unexpected "3" in operand'],
  ['{{.A}', "template: :1: bad character U+007D '}'"],
  ['{{.A }', 'template: :1: unexpected "}" in operand'],
  ['{{a#}}', "template: :1: bad character U+0023 '#'"],
  ["{{'a}}", 'template: :1: unterminated character constant'],
  ['{{"a}}', 'template: :1: unterminated quoted string'],
  ['{{`a}}', 'template: :1: unterminated raw quoted string'],
  ['{{"\\q"}}', 'template: :1: invalid syntax'],
  ['{{0xi}}', 'template: :1: illegal number syntax: "0xi"'],
  ['{{3k}}', 'template: :1: bad number syntax: "3k"'],
  ['{{range .X}}', 'template: :1: unexpected EOF'],
  ['{{if .X}}a\nb', 'template: :2: unexpected EOF'],
  ['{{end}}', 'template: :1: unexpected {{end}}'],
  ['{{else}}', 'template: :1: unexpected {{else}}'],
  ['{{if .X}}1{{else}}2{{else}}3{{end}}', 'template: :1: expected end; found {{else}}'],
  ['{{}}', 'template: :1: missing value for command'],
  ['{{if}}x{{end}}', 'template: :1: missing value for if'],
  ['{{ ( ) }}', 'template: :1: missing value for parenthesized pipeline'],
  ['{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}', 'template: :1: unexpected ":=" in operand'],
  ['{{$a,$b,$c := 23}}', 'template: :1: too many declarations in command'],
  ['{{range $u, $v, $w := 3}}{{end}}', 'template: :1: too many declarations in range'],
  ['{{range $k, .}}{{end}}', 'template: :1: range can only initialize variables'],
  ['{{$a}}', 'template: :1: undefined variable "$a"'],
  ['{{with $x := 4}}{{end}}{{$x}}', 'template: :1: undefined variable "$x"'],
  ['{{true.any}}', 'template: :1: unexpected . after term "true"'],
  ['{{12|false}}', 'template: :1: non executable command in pipeline stage 2'],
  ['{{range .}}{{end}} {{break}}', 'template: :1: {{break}} outside {{range}}'],
  ['{{range .}}{{else}}{{continue}}{{end}}', 'template: :1: {{continue}} outside {{range}}'],
  ['{{printf 3, 4}}', 'template: :1: unexpected "," in operand'],
  ['{{.A | "very long literal"}}', 'template: :1: non executable command in pipeline stage 2'],
  ['{{if .A "a very long string"', 'template: :1: unclosed action'],
  ['{{99999999999999999999}}', 'template: :1: integer overflow: 99999999999999999999'],
];

for (const [source, message] of parseErrors) {
  test(`parse error: ${JSON.stringify(source)}`, () => {
    assert.throws(() => compileTemplate(source), (error: unknown) => {
      assert.ok(error instanceof TemplateError);
      assert.equal(error.phase, 'parse');
      assert.equal(error.message, message);
      return true;
    });
  });
}

class Row {
  get ID(): string {
    return 'abc';
  }
}

class ImageContext {
  [GO_TYPE_NAME] = '*formatter.imageContext';
}

const executeErrors: Array<[string, unknown, string]> = [
  ['{{.Nope}}', new Row(), 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.row'],
  ['{{.Nope}}', new ImageContext(), 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageContext'],
  ['{{.Name.X}}', { Name: 's' }, 'template: :1:7: executing "" at <.Name.X>: can\'t evaluate field X in type string'],
  ['{{.L.X}}', { L: ['a'] }, 'template: :1:4: executing "" at <.L.X>: can\'t evaluate field X in type []string'],
  ['{{.A.B}}', { A: null }, 'template: :1:4: executing "" at <.A.B>: nil pointer evaluating interface {}.B'],
  ['a\n  {{.Nope}}', new Row(), 'template: :2:4: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.row'],
  ['é{{.Nope}}', new Row(), 'template: :1:4: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.row'],
  ['{{.A 1}}', { A: 'x' }, 'template: :1:2: executing "" at <.A>: A is not a method but has arguments'],
  ['{{.ID 1}}', new Row(), 'template: :1:2: executing "" at <.ID>: ID has arguments but cannot be invoked as function'],
  ['{{index .L 5}}', { L: ['a'] }, 'template: :1:2: executing "" at <index .L 5>: error calling index: index out of range: 5'],
  ['{{index .L "a"}}', { L: ['a'] }, 'template: :1:2: executing "" at <index .L "a">: error calling index: cannot index slice/array with type string'],
  ['{{index .M 1}}', { M: {} }, 'template: :1:2: executing "" at <index .M 1>: error calling index: value has type int; should be string'],
  ['{{index .Nope 1}}', {}, 'template: :1:2: executing "" at <index .Nope 1>: error calling index: index of untyped nil'],
  ['{{index 5 1}}', {}, 'template: :1:2: executing "" at <index 5 1>: error calling index: can\'t index item of type int'],
  ['{{len 3}}', {}, 'template: :1:2: executing "" at <len 3>: error calling len: len of type int'],
  ['{{slice "abc" 2 1}}', {}, 'template: :1:2: executing "" at <slice "abc" 2 1>: error calling slice: invalid slice index: 2 > 1'],
  ['{{upper .N}}', { N: 5 }, 'template: :1:8: executing "" at <.N>: wrong type for value; expected string; got int'],
  ['{{upper .Nope}}', {}, 'template: :1:8: executing "" at <.Nope>: invalid value; expected string'],
  ['{{truncate "abc" "x"}}', {}, 'template: :1:17: executing "" at <"x">: expected integer; found "x"'],
  ['{{upper 5}}', {}, 'template: :1:8: executing "" at <5>: expected string; found 5'],
  ['{{join .S ","}}', { S: 'x' }, 'template: :1:2: executing "" at <join .S ",">: error calling join: expected slice, got string'],
  ['{{join .L}}', { L: [] }, 'template: :1:2: executing "" at <join>: wrong number of args for join: want 2 got 1'],
  ['{{and}}', {}, 'template: :1:2: executing "" at <and>: wrong number of args for and: want at least 1 got 0'],
  ['{{lt 1 "a"}}', {}, 'template: :1:2: executing "" at <lt 1 "a">: error calling lt: incompatible types for comparison: int and string'],
  ['{{lt true false}}', {}, 'template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison'],
  ['{{eq .A "x"}}', { A: 1 }, 'template: :1:2: executing "" at <eq .A "x">: error calling eq: incompatible types for comparison: int and string'],
  ['{{eq 1}}', {}, 'template: :1:2: executing "" at <eq 1>: error calling eq: missing argument for comparison'],
  ['{{range .}}{{end}}', 'str', 'template: :1:8: executing "" at <.>: range can\'t iterate over str'],
  ['{{nil}}', {}, 'template: :1:2: executing "" at <nil>: nil is not a command'],
  ['{{$x := 1}}{{$x 2}}', {}, 'template: :1:13: executing "" at <$x>: can\'t give argument to non-function $x'],
  ['{{"x" 2}}', {}, 'template: :1:2: executing "" at <"x">: can\'t give argument to non-function "x"'],
  ['{{printf "%s" (len 3)}}', {}, 'template: :1:15: executing "" at <len 3>: error calling len: len of type int'],
  ['{{18446744073709551615}}', {}, 'template: :1:2: executing "" at <18446744073709551615>: 18446744073709551615 overflows int'],
  ['{{.Fails}}', new (class Failing { Fails(): string { throw new Error('boom'); } })(), 'template: :1:2: executing "" at <.Fails>: error calling Fails: boom'],
];

for (const [source, data, message] of executeErrors) {
  test(`execute error: ${JSON.stringify(source)}`, () => {
    assert.throws(() => compileTemplate(source).execute(data), (error: unknown) => {
      assert.ok(error instanceof TemplateError);
      assert.equal(error.phase, 'execute');
      assert.equal(error.message, message);
      return true;
    });
  });
}

test('template errors are client-side invalid arguments', () => {
  assert.throws(() => compileTemplate('{{foo}}'), (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal((error as InvalidArgumentError).fromDaemon, false);
    return true;
  });
});

test('a named template shows its name', () => {
  assert.throws(() => compileTemplate('{{.A.B}}', { name: 'x' }).execute({ A: 1 }), {
    message: 'template: x:1:4: executing "x" at <.A.B>: can\'t evaluate field B in type int',
  });
});

test('an execution error keeps the output written before it', () => {
  assert.throws(() => compileTemplate('ok {{.A}} {{.A.B}}').execute({ A: 1 }), (error: unknown) => {
    assert.equal((error as TemplateError).partialOutput, 'ok 1 ');
    return true;
  });
});

const missingKeyErrors: Array<[string, unknown, string]> = [
  ['{{.Config.Nope}}', { Config: {} }, 'template: :1:9: executing "" at <.Config.Nope>: map has no entry for key "Nope"'],
  ['{{.A.B}}', {}, 'template: :1:4: executing "" at <.A.B>: map has no entry for key "A"'],
  ['{{.A}}', undefined, 'template: :1:2: executing "" at <.A>: nil data; no entry for key "A"'],
];

for (const [source, data, message] of missingKeyErrors) {
  test(`missingkey=error: ${source}`, () => {
    assert.throws(() => compileTemplate(source, { missingKey: 'error' }).execute(data), { message });
  });
}
