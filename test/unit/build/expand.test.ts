// Table tests for Docker's shell-word processing of Dockerfile words: quotes, escapes, $VAR and ${VAR...} forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandWord, expandWords } from '../../../src/build/dockerfile/expand.ts';
import { InvalidArgumentError } from '../../../src/errors.ts';

const ENV: Record<string, string> = { PWD: '/home', SHELL: 'bash', NULL: '', SPACE: 'abc  def', LEADING: '  ab c', FILE: 'archive.tar.gz', PATHS: '/usr/local/bin' };
const lookup = (name: string): string | undefined => (Object.hasOwn(ENV, name) ? ENV[name] : undefined);

describe('expandWord: quotes and escapes', () => {
  // [raw, expanded]
  const rows: Array<[string, string]> = [
    ['hello', 'hello'],
    ["he'll'o", 'hello'],
    ["he\\'llo", "he'llo"],
    ['abc\\tdef', 'abctdef'],
    ['"abc\\tdef"', 'abc\\tdef'],
    ['"abc\\\\tdef"', 'abc\\tdef'],
    ["'abc\\tdef'", 'abc\\tdef'],
    ['hello\\', 'hello'],
    ['hello\\\\', 'hello\\'],
    ['"hel\'lo"', "hel'lo"],
    ["'hello\\'", 'hello\\'],
    ['"\'\'"', "''"],
    ["'\"hello\"'", '"hello"'],
    ['hello\\ there', 'hello there'],
    ['a  b', 'a  b'],
    ['안\'녕\'하세요', '안녕하세요'],
  ];
  for (const [raw, expanded] of rows) {
    it(raw, () => assert.equal(expandWord(raw, lookup), expanded));
  }
});

describe('expandWord: variables', () => {
  const rows: Array<[string, string]> = [
    ['$.', '$.'],
    ['he$', 'he$'],
    ['he$1x', 'hex'],
    ['he$pwd.', 'he.'],
    ['he$PWD', 'he/home'],
    ['he\\$PWD', 'he$PWD'],
    ['he\\\\$PWD', 'he\\/home'],
    ['"he\\$PWD"', 'he$PWD'],
    ['"he\\\\$PWD"', 'he\\/home'],
    ['\\${}', '${}'],
    ['he${hi}xx', 'hexx'],
    ['he${PWD}', 'he/home'],
    ['${PWD}}', '/home}'],
    ['"he\'$PWD\'"', "he'/home'"],
    ["'$PWD'", '$PWD'],
    ["'he${XX}'", 'he${XX}'],
    ['$NULL.', '.'],
  ];
  for (const [raw, expanded] of rows) {
    it(raw, () => assert.equal(expandWord(raw, lookup), expanded));
  }
});

describe('expandWord: ${VAR} modifiers', () => {
  const rows: Array<[string, string]> = [
    ['he${XXX:-000}xx', 'he000xx'],
    ['he${PWD:-000}xx', 'he/homexx'],
    ['he${XXX:-$PWD}xx', 'he/homexx'],
    ['he${XXX:-${PWD:-yyy}}xx', 'he/homexx'],
    ['he${XXX:-${YYY:-yyy}}xx', 'heyyyxx'],
    // Without the colon only unset counts; with it, empty too.
    ['${NULL-default}', ''],
    ['${NULL:-default}', 'default'],
    ['${XXX-default}', 'default'],
    ['he${XXX:+${PWD}}xx', 'hexx'],
    ['he${PWD:+${XXX}}xx', 'hexx'],
    ['he${PWD:+${SHELL}}xx', 'hebashxx'],
    ['he${PWD:+000}xx', 'he000xx'],
    ['${NULL+set}', 'set'],
    ['${NULL:+set}', ''],
    ['he${PWD?}', 'he/home'],
    ['he${PWD:?}', 'he/home'],
    ['he${NULL?}', 'he'],
    ['he${PWD:+${PWD}:}xx', 'he/home:xx'],
    ['he${XXX:-\\$PWD:}xx', 'he$PWD:xx'],
    ['he${XXX:-\\${PWD}z}xx', 'he${PWDz}xx'],
    ['${aaa:-bbb {foo}', 'bbb {foo'],
    ['"${XXX:-a b}"', 'a b'],
    ['${1:-bbb}', 'bbb'],
    ['${FILE#*.}', 'tar.gz'],
    ['${FILE##*.}', 'gz'],
    ['${FILE%.*}', 'archive.tar'],
    ['${FILE%%.*}', 'archive'],
    ['${FILE#nomatch}', 'archive.tar.gz'],
    ['${PATHS/local/opt}', '/usr/opt/bin'],
    ['${PATHS//\\//:}', ':usr:local:bin'],
  ];
  for (const [raw, expanded] of rows) {
    it(raw, () => assert.equal(expandWord(raw, lookup), expanded));
  }
});

describe('expandWord: Docker errors', () => {
  // [raw, message after `failed to process "<raw>": `]
  const rows: Array<[string, string]> = [
    ["he'llo", 'unexpected end of statement while looking for matching single-quote'],
    ["he\\\\'llo", 'unexpected end of statement while looking for matching single-quote'],
    ['"hello', 'unexpected end of statement while looking for matching double-quote'],
    ['"hello\\"', 'unexpected end of statement while looking for matching double-quote'],
    ['${}', 'syntax error: bad substitution'],
    ['he${}xx', 'syntax error: bad substitution'],
    ['${:-bbb}', 'syntax error: bad substitution'],
    ['${{aaa}', 'syntax error: bad substitution'],
    ['he${.}', 'unsupported modifier (.) in substitution'],
    ['he${XXX:YYY}', 'unsupported modifier (:Y) in substitution'],
    ['he${PWD:=000}xx', 'unsupported modifier (:=) in substitution'],
    ['he${PWD', "syntax error: missing '}'"],
    ['${aaa:-bbb', "syntax error: missing '}'"],
    ['${aaa:-bbb ${foo}', "syntax error: missing '}'"],
    ['he${XXX?}', 'XXX: is not allowed to be unset'],
    ['he${XXX:?}', 'XXX: is not allowed to be unset'],
    ['he${NULL:?}', 'NULL: is not allowed to be empty'],
    ['${XXX:?set XXX to the release}', 'XXX: set XXX to the release'],
  ];
  for (const [raw, message] of rows) {
    it(raw, () => {
      assert.throws(() => expandWord(raw, lookup), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, `failed to process ${JSON.stringify(raw)}: ${message}`);
        return true;
      });
    });
  }
});

describe('expandWord: backtick escape', () => {
  const rows: Array<[string, string]> = [
    ['c:\\windows\\system32', 'c:\\windows\\system32'],
    ['a`b', 'ab'],
    ['a` b', 'a b'],
    ['`$PWD', '$PWD'],
    ['\\$PWD', '\\/home'],
    ['"`"x"', '"x'],
    ['"c:\\path"', 'c:\\path'],
    ['hello`', 'hello'],
  ];
  for (const [raw, expanded] of rows) {
    it(raw, () => assert.equal(expandWord(raw, lookup, '`'), expanded));
  }
});

describe('expandWords: splitting on unquoted whitespace', () => {
  // [raw, words]
  const rows: Array<[string, string[]]> = [
    ['hello', ['hello']],
    ['  80/tcp   443 ', ['80/tcp', '443']],
    ['hello${hi}bye', ['hellobye']],
    ['hello${SPACE}bye', ['helloabc', 'defbye']],
    ['hello"${SPACE}"bye', ['helloabc  defbye']],
    ['hello "${SPACE}"bye', ['hello', 'abc  defbye']],
    ['hello${LEADING}def', ['hello', 'ab', 'cdef']],
    ['hello"${LEADING}" def', ['hello  ab c', 'def']],
    ['hello" there  "', ['hello there  ']],
    ['hello there', ['hello', 'there']],
    ['hello\\ there', ['hello there']],
    ['hello\\" there', ['hello"', 'there']],
    ["hello'\\there'", ['hello\\there']],
    ["hello'$there'", ['hello$there']],
    // Empty quotes make no word, as in Docker.
    ['a "" b', ['a', 'b']],
    ['', []],
    ['${XXX:-x y}', ['x', 'y']],
  ];
  for (const [raw, words] of rows) {
    it(raw || '(empty)', () => assert.deepEqual(expandWords(raw, lookup), words));
  }

  it('splits with the backtick escape too', () => {
    assert.deepEqual(expandWords('c:\\a` b c:\\d', lookup, '`'), ['c:\\a b', 'c:\\d']);
  });

  it('reports the same errors', () => {
    assert.throws(() => expandWords('a "b', lookup), /failed to process "a \\"b": unexpected end of statement while looking for matching double-quote/);
  });
});
