// Ellipsis cuts by display width as docker/cli does (rows checked against docker search's DESCRIPTION column).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ellipsis } from '../../../src/cli/format/ellipsis.ts';

const rows: Array<[string, number, string]> = [
  ['Bitnami container image for NGINX, a very long description that goes on and on', 45, 'Bitnami container image for NGINX, a very lo…'],
  ['Official build of Nginx.', 45, 'Official build of Nginx.'],
  ['日本語の説明です。これはとても長い説明で、切り詰められるはずです。', 45, '日本語の説明です。これはとても長い説明で、切…'],
  ['exactly five', 12, 'exactly five'],
  ['abcdef', 1, 'a'],
  ['abcdef', 0, ''],
  ['', 45, ''],
];
for (const [text, width, expected] of rows) {
  it(`${JSON.stringify(text)} at ${width}`, () => assert.equal(ellipsis(text, width), expected));
}
