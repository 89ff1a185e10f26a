// The engine-free path for text-and-field formats: what it takes, and everything it leaves to the engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleFieldTemplate } from '../../../src/cli/template/field-fast-path.ts';

const row = { ID: 'b2aa39c304c2', Tag: 'latest', Size: 4 };

test('simple formats render string fields directly', () => {
  assert.equal(simpleFieldTemplate('{{.ID}}\t{{.Tag}}')?.(row), 'b2aa39c304c2\tlatest');
  assert.equal(simpleFieldTemplate('id={{ .ID }}!')?.(row), 'id=b2aa39c304c2!');
  assert.equal(simpleFieldTemplate('no actions')?.(row), 'no actions');
});

test('a field that is not a string, or is missing, is left to the engine (Go formatting, Go errors)', () => {
  assert.equal(simpleFieldTemplate('{{.Size}}')?.(row), undefined);
  assert.equal(simpleFieldTemplate('{{.Nope}}')?.(row), undefined);
});

test('functions, pipelines, trim markers, comments and stray braces are not simple', () => {
  for (const source of ['{{json .}}', '{{.ID | lower}}', '{{- .ID}}', '{{/* c */}}', '{{.A.B}}', 'x {{', '{{.ID}}}}x{{']) {
    assert.equal(simpleFieldTemplate(source), undefined, source);
  }
});
