// Docker's `--filter key=value` parsing, boolean filters and label matching.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { booleanFilter, matchLabels, parseFilters } from '../../../src/images/filters.ts';

const ACCEPTED = ['dangling', 'label', 'before', 'reference'];

describe('parseFilters', () => {
  it('groups the values of each key in order', () => {
    const filters = parseFilters(['label=a', 'reference=busy*', 'label=b=c'], ACCEPTED);
    assert.deepEqual([...filters], [['label', ['a', 'b=c']], ['reference', ['busy*']]]);
  });

  it('is empty without arguments', () => assert.equal(parseFilters([], ACCEPTED).size, 0));

  it('keeps everything after the first "=" as the value', () => {
    assert.deepEqual(parseFilters(['label=com.example.x=a=b'], ACCEPTED).get('label'), ['com.example.x=a=b']);
  });

  it('accepts an empty value', () => assert.deepEqual(parseFilters(['label='], ACCEPTED).get('label'), ['']));

  for (const bad of ['dangling', 'label']) {
    it(`rejects ${JSON.stringify(bad)} (no "=") as a malformed filter, client side`, () => {
      assert.throws(() => parseFilters([bad], ACCEPTED), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, 'bad format of filter (expected name=value)');
        assert.equal(error.fromDaemon, false);
        return true;
      });
    });
  }

  it("rejects a key the command does not know with Docker's daemon text", () => {
    assert.throws(() => parseFilters(['foo=bar'], ACCEPTED), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.message, "Invalid filter 'foo'");
      assert.equal(error.fromDaemon, true);
      return true;
    });
  });
});

describe('booleanFilter', () => {
  const parse = (...args: string[]) => parseFilters(args, ACCEPTED);

  it('is undefined when the key is absent', () => assert.equal(booleanFilter(parse('label=a'), 'dangling'), undefined));

  for (const [value, expected] of [['true', true], ['1', true], ['false', false], ['0', false]] as const) {
    it(`reads dangling=${value} as ${expected}`, () => assert.equal(booleanFilter(parse(`dangling=${value}`), 'dangling'), expected));
  }

  it("rejects another value with Docker's text", () => {
    assert.throws(() => booleanFilter(parse('dangling=maybe'), 'dangling'), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.message, "Invalid filter 'dangling=[maybe]'");
      return true;
    });
  });
});

describe('matchLabels', () => {
  const labels = { 'org.example.fixture': 'true', 'com.example.empty': '', 'com.example.eq': 'a=b' };

  it('matches anything when no label filter is given', () => {
    assert.equal(matchLabels(undefined, labels), true);
    assert.equal(matchLabels(undefined, null), true);
  });

  const rows: Array<[string[], boolean]> = [
    [['org.example.fixture'], true],
    [['org.example.fixture=true'], true],
    [['org.example.fixture=false'], false],
    [['org.example.fixture=tru'], false],
    [['org.example'], false],
    [['com.example.empty'], true],
    [['com.example.empty='], true],
    [['com.example.eq=a=b'], true],
    [['com.example.eq=a'], false],
    [['org.example.fixture', 'com.example.empty'], true],
    [['org.example.fixture', 'missing'], false],
  ];
  for (const [filters, expected] of rows) {
    it(`${filters.join(' + ')} → ${expected}`, () => assert.equal(matchLabels(filters, labels), expected));
  }

  it('matches no key filter on an image without labels', () => {
    assert.equal(matchLabels(['a'], null), false);
    assert.equal(matchLabels(['a'], undefined), false);
    assert.equal(matchLabels(['a=b'], {}), false);
  });

  it('does not match inherited object keys', () => assert.equal(matchLabels(['toString'], {}), false));
});
