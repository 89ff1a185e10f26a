// Go text/template semantics over plain JS values: fields, maps, variables, control flow, trimming, builtins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { compileTemplate } from '../../../src/cli/template/template.ts';

class Row {
  get ID(): string {
    return 'abc123';
  }
  get Size(): string {
    return '1.98MB';
  }
  Name(): string {
    return 'method';
  }
}

const cases: Array<[string, string, unknown, string]> = [
  ['field', '{{.Name}}', { Name: 'x' }, 'x'],
  ['nested field', '{{.A.B}}', { A: { B: 1 } }, '1'],
  ['map key as field', '{{.Labels.foo}}', { Labels: { foo: 'bar' } }, 'bar'],
  ['missing map key', '{{.Labels.nope}}', { Labels: {} }, '<no value>'],
  ['field of a missing value', '{{.A.B}}', {}, '<no value>'],
  ['index with a dotted key', '{{index .Labels "a.b"}}', { Labels: { 'a.b': 'x' } }, 'x'],
  ['index of a missing key gives the zero string', '[{{index .Labels "x"}}]', { Labels: { a: 'b' } }, '[]'],
  ['index of a null map', '[{{index .Labels "x"}}]', { Labels: null }, '[]'],
  ['index into an array and a Map', '{{index .L 1}} {{index .M "k"}}', { L: ['a', 'b'], M: new Map([['k', 'v']]) }, 'b v'],
  ['getters', '{{.ID}} {{.Size}}', new Row(), 'abc123 1.98MB'],
  ['zero-argument method', '{{.Name}}', new Row(), 'method'],
  ['dot', '{{.}}', 'hi', 'hi'],
  ['a map prints sorted', '{{.}}', { b: 2, a: 1 }, 'map[a:1 b:2]'],
  ['an array prints Go-style', '{{.}}', ['a', 'b'], '[a b]'],
  ['null prints as nil', '{{.}}', null, '<nil>'],
  ['undefined prints as no value', '{{.}}', undefined, '<no value>'],
  ['root variable', '{{with .A}}{{$.B}}{{end}}', { A: 1, B: 2 }, '2'],
  ['declaration prints nothing', '{{$x := .A}}[{{$x}}]', { A: 'v' }, '[v]'],
  ['assignment reaches the outer variable', '{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', {}, '2'],
  ['pipeline passes the last argument', '{{.A | printf "%s!"}}', { A: 'a' }, 'a!'],
  ['parenthesized pipeline', '{{(index .L 1) | upper}}', { L: ['a', 'b'] }, 'B'],
  ['field of a parenthesized value', '{{(index .L 0).Name}}', { L: [{ Name: 'n' }] }, 'n'],
  ['if', '{{if .A}}yes{{end}}', { A: true }, 'yes'],
  ['else if chain', '{{if eq .A 1}}one{{else if eq .A 2}}two{{else}}other{{end}}', { A: 2 }, 'two'],
  ['else', '{{if eq .A 1}}one{{else if eq .A 2}}two{{else}}other{{end}}', { A: 3 }, 'other'],
  ['range over an array', '{{range .}}[{{.}}]{{end}}', ['a', 'b'], '[a][b]'],
  ['range over a map is sorted by bytes', '{{range $k, $v := .}}{{$k}}={{$v}} {{end}}', { b: 2, a: 1, B: 3 }, 'B=3 a=1 b=2 '],
  ['range over a Map is sorted', '{{range $k, $v := .}}{{$k}}={{$v}} {{end}}', new Map([['z', 1], ['y', 2]]), 'y=2 z=1 '],
  ['range one variable takes the element', '{{range $v := .}}{{$v}}{{end}}', { b: 2, a: 1 }, '12'],
  ['range with index', '{{range $i, $v := .}}{{$i}}:{{$v}} {{end}}', ['x', 'y'], '0:x 1:y '],
  ['range else on empty', '{{range .}}x{{else}}none{{end}}', [], 'none'],
  ['range over null is empty', '{{range .}}x{{else}}none{{end}}', null, 'none'],
  ['range over an int', '{{range 3}}{{.}}{{end}}', {}, '012'],
  ['break and continue', '{{range $i, $v := .}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $i 3}}{{break}}{{end}}{{$v}}{{end}}', ['a', 'b', 'c', 'd'], 'ac'],
  ['with', '{{with .A}}{{.}}{{end}}', { A: 'x' }, 'x'],
  ['with else', '{{with .A}}{{.}}{{else}}none{{end}}', { A: '' }, 'none'],
  ['else with', '{{with .A}}a{{else with .B}}b={{.}}{{end}}', { B: 2 }, 'b=2'],
  ['trim markers', 'a  {{- .A -}}  b', { A: 1 }, 'a1b'],
  ['trim newlines and tabs', 'x \r\n\t{{- 3}}\n\n\ty', {}, 'x3\n\n\ty'],
  ['right trim only', '{{3 -}}\n\n\ty', {}, '3y'],
  ['trim with extra spaces', 'x\n{{-  3   -}}\ny', {}, 'x3y'],
  ['a minus without space is a number', '{{-3}}', {}, '-3'],
  ['comment', 'a{{/* c */}}b', {}, 'ab'],
  ['trimmed comment', 'a \n {{- /* c */ -}} \n b', {}, 'ab'],
  ['newlines inside an action', '{{ $x \n := \n 1 \n }}{{$x}}', {}, '1'],
  ['interpreted string', '{{"a\\tb\\u00e9"}}', {}, 'a\tbé'],
  ['raw string', '{{`a\\tb`}}', {}, 'a\\tb'],
  ['integer forms', '{{0x1F}} {{1_000}} {{017}} {{0b101}} {{-3}} {{+4}}', {}, '31 1000 15 5 -3 4'],
  ['floats', '{{1.5}} {{1e3}} {{.5}}', {}, '1.5 1000 0.5'],
  ['character constants', "{{'a'}} {{'\\n'}}", {}, '97 10'],
  ['booleans and nil', '{{true}} {{print nil}}', {}, 'true <nil>'],
  ['len counts bytes', '{{len .}}', 'héllo', '6'],
  ['len of arrays, maps and null', '{{len .A}} {{len .M}} {{len .N}}', { A: [1, 2], M: { a: 1 }, N: null }, '2 1 0'],
  ['slice', '{{slice . 1 3}} {{slice . 2}}', 'hello', 'el llo'],
  ['slice of an array', '{{slice .L 1}}', { L: [1, 2, 3] }, '[2 3]'],
  ['comparisons', '{{eq 1 1}} {{ne "a" "b"}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', {}, 'true true true true true false'],
  ['eq with several candidates', '{{eq .A "x" "y"}}', { A: 'y' }, 'true'],
  ['eq with a missing value', '{{eq .Nope "x"}}', {}, 'false'],
  ['and/or return an argument', '{{and 1 0 2}} {{or 0 "" "z"}} {{and 1 2}} [{{or 0 ""}}]', {}, '0 z 2 []'],
  ['and short-circuits', '{{if and .A (index .L 5)}}yes{{else}}no{{end}}', { A: false, L: [] }, 'no'],
  ['not', '{{not 0}} {{not "x"}}', {}, 'true false'],
  ['printf', '{{printf "%-10s|%5.2f|%d|%q|%t|%x" "ab" 3.14159 42 "q" true 255}}', {}, 'ab        | 3.14|42|"q"|true|ff'],
  ['print spaces only between non-strings', '{{print 1 2 "a" "b" 3}}', {}, '1 2ab3'],
  ['println', '{{println "a" 1}}', {}, 'a 1\n'],
  ['html', '{{html "<a href=\\"x\\">&"}}', {}, '&lt;a href=&#34;x&#34;&gt;&amp;'],
  ['js', '{{js "a\'b<"}}', {}, "a\\'b\\u003C"],
  ['urlquery', '{{urlquery "a b&c/d"}}', {}, 'a+b%26c%2Fd'],
];

for (const [name, source, data, expected] of cases) {
  test(`template: ${name}`, () => {
    assert.equal(compileTemplate(source).execute(data), expected);
  });
}

const truth: Array<[unknown, string]> = [
  [0, 'F'], [1, 'T'], [-1.5, 'T'], ['', 'F'], ['x', 'T'], [[], 'F'], [[0], 'T'], [{}, 'F'], [{ a: 0 }, 'T'],
  [new Map(), 'F'], [null, 'F'], [undefined, 'F'], [false, 'F'], [true, 'T'], [new Row(), 'T'],
];

for (const [value, expected] of truth) {
  test(`template: truth of ${inspect(value)}`, () => {
    assert.equal(compileTemplate('{{if .}}T{{else}}F{{end}}').execute(value), expected);
  });
}

test('template: a compiled template runs many times', () => {
  const template = compileTemplate('{{.A}}');
  assert.deepEqual([1, 2].map((A) => template.execute({ A })), ['1', '2']);
});
