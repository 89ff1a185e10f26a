// Go's fmt verbs, flags, width and precision, and its error markers (%!d(string=x), MISSING, EXTRA).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sprint, sprintf, sprintln } from '../../../src/cli/template/go-fmt.ts';

const cases: Array<[string, unknown[], string]> = [
  ['%d', [42], '42'],
  ['%5d|', [42], '   42|'],
  ['%-5d|', [42], '42   |'],
  ['%05d', [-42], '-0042'],
  ['%+d % d', [5, 5], '+5  5'],
  ['%.3d', [7], '007'],
  ['%x %X %#x', [255, 255, 255], 'ff FF 0xff'],
  ['%o %#o %O %b', [8, 8, 8, 5], '10 010 0o10 101'],
  ['%c %q %U', [65, 65, 0x1f600], "A 'A' U+1F600"],
  ['%s|%10s|%-10s|', ['hi', 'hi', 'hi'], 'hi|        hi|hi        |'],
  ['%.2s', ['héllo'], 'hé'],
  ['%5s|', ['日本'], '   日本|'],
  ['%q', ['a"b\n\x01é'], '"a\\"b\\n\\x01é"'],
  ['%x % x %X', ['hi', 'hi', 'hi'], '6869 68 69 6869'],
  ['%t %v', [true, false], 'true false'],
  ['%f|%.2f|%5.2f|%08.3f', [3.14159, 3.14159, 3.14159, -3.14159], '3.141590|3.14| 3.14|-003.142'],
  ['%.2f %.1f %.0f %.0f', [2.675, 0.25, 0.5, 1.5], '2.67 0.2 0 2'],
  ['%e %E %.2e', [1234.5678, 1234.5678, 0], '1.234568e+03 1.234568E+03 0.00e+00'],
  ['%g %.3g %g %g', [1234.5678, 1234.5678, 0.000001234, 1e21], '1234.5678 1.23e+03 1.234e-06 1e+21'],
  ['%v %v %v', [1.5, -0.25, 1e-7], '1.5 -0.25 1e-07'],
  ['%+.1f %6.1f|', [2.5, Number.POSITIVE_INFINITY], '+2.5   +Inf|'],
  ['%v %d %s', [[1, 'a'], [1, 2], ['x', 'y']], '[1 a] [1 2] [x y]'],
  ['%v', [{ b: 1, a: [2] }], 'map[a:[2] b:1]'],
  ['%v', [new Map([[2, 'b'], [1, 'a']])], 'map[1:a 2:b]'],
  ['%v', [new Date(Date.UTC(2023, 10, 14, 22, 13, 20))], '2023-11-14 22:13:20 +0000 UTC'],
  ['%v %s %d', [null, null, null], '<nil> %!s(<nil>) %!d(<nil>)'],
  ['%d %s %z', ['x', 5, 5], '%!d(string=x) %!s(int=5) %!z(int=5)'],
  ['%d %d', [1], '1 %!d(MISSING)'],
  ['%d', [1, 'a', null], '1%!(EXTRA string=a, <nil>)'],
  ['100%% %', [], '100% %!(NOVERB)'],
  ['%*d|%-*d|', [5, 42, 4, 7], '   42|7   |'],
  ['%[2]d %[1]d', [1, 2], '2 1'],
  ['%[3]d', [1], '%!d(BADINDEX)'],
];

for (const [format, args, expected] of cases) {
  test(`sprintf ${JSON.stringify(format)}`, () => {
    assert.equal(sprintf(format, args), expected);
  });
}

test('sprint puts spaces only between two non-strings', () => {
  assert.equal(sprint([1, 2, 'a', 'b', 3, null]), '1 2ab3 <nil>');
});

test('sprintln always separates and ends the line', () => {
  assert.equal(sprintln(['a', 1, true]), 'a 1 true\n');
});
