// Table tests for reference parsing, normalisation and display forms, with rows checked against Docker 28.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import {
  canonicalString,
  familiarName,
  familiarString,
  fullName,
  isImageIdLike,
  parseReference,
  withDefaultTag,
} from '../../../src/reference/reference.ts';

const HEX = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const SHA = `sha256:${HEX}`;

describe('parseReference: valid references', () => {
  // [input, fields, familiarString, canonicalString]
  const rows: Array<[string, { domain: string; path: string; tag?: string; digest?: string }, string, string]> = [
    ['ubuntu', { domain: 'docker.io', path: 'library/ubuntu' }, 'ubuntu', 'docker.io/library/ubuntu'],
    ['ubuntu:24.04', { domain: 'docker.io', path: 'library/ubuntu', tag: '24.04' }, 'ubuntu:24.04', 'docker.io/library/ubuntu:24.04'],
    ['library/ubuntu', { domain: 'docker.io', path: 'library/ubuntu' }, 'ubuntu', 'docker.io/library/ubuntu'],
    ['docker.io/ubuntu', { domain: 'docker.io', path: 'library/ubuntu' }, 'ubuntu', 'docker.io/library/ubuntu'],
    ['docker.io/x', { domain: 'docker.io', path: 'library/x' }, 'x', 'docker.io/library/x'],
    ['index.docker.io/library/ubuntu:latest', { domain: 'docker.io', path: 'library/ubuntu', tag: 'latest' }, 'ubuntu:latest', 'docker.io/library/ubuntu:latest'],
    ['index.docker.io/ubuntu', { domain: 'docker.io', path: 'library/ubuntu' }, 'ubuntu', 'docker.io/library/ubuntu'],
    ['team/app', { domain: 'docker.io', path: 'team/app' }, 'team/app', 'docker.io/team/app'],
    ['docker.io/library/a/b', { domain: 'docker.io', path: 'library/a/b' }, 'library/a/b', 'docker.io/library/a/b'],
    ['a/b/c/d:tag', { domain: 'docker.io', path: 'a/b/c/d', tag: 'tag' }, 'a/b/c/d:tag', 'docker.io/a/b/c/d:tag'],
    ['registry.example:5000/team/app:v1', { domain: 'registry.example:5000', path: 'team/app', tag: 'v1' }, 'registry.example:5000/team/app:v1', 'registry.example:5000/team/app:v1'],
    ['localhost/app', { domain: 'localhost', path: 'app' }, 'localhost/app', 'localhost/app'],
    ['localhost:5000/app', { domain: 'localhost:5000', path: 'app' }, 'localhost:5000/app', 'localhost:5000/app'],
    // A single component is never a domain, whatever it looks like.
    ['localhost', { domain: 'docker.io', path: 'library/localhost' }, 'localhost', 'docker.io/library/localhost'],
    ['example.com', { domain: 'docker.io', path: 'library/example.com' }, 'example.com', 'docker.io/library/example.com'],
    ['localhost:5000', { domain: 'docker.io', path: 'library/localhost', tag: '5000' }, 'localhost:5000', 'docker.io/library/localhost:5000'],
    ['[::1]:5000/app', { domain: '[::1]:5000', path: 'app' }, '[::1]:5000/app', '[::1]:5000/app'],
    ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', { domain: '[fc00:1:2:3:4:5:6:7]:5000', path: 'library/debian' }, '[fc00:1:2:3:4:5:6:7]:5000/library/debian', '[fc00:1:2:3:4:5:6:7]:5000/library/debian'],
    ['192.168.0.1:8/debian', { domain: '192.168.0.1:8', path: 'debian' }, '192.168.0.1:8/debian', '192.168.0.1:8/debian'],
    // Paths must be lowercase, so an uppercase first component can only be a host.
    ['LOCALDOMAIN/debian', { domain: 'LOCALDOMAIN', path: 'debian' }, 'LOCALDOMAIN/debian', 'LOCALDOMAIN/debian'],
    // Taken as a domain, then found no valid host: the whole name becomes the path.
    ['foo_bar.com/x', { domain: '', path: 'foo_bar.com/x' }, 'foo_bar.com/x', 'foo_bar.com/x'],
    [`ubuntu@${SHA}`, { domain: 'docker.io', path: 'library/ubuntu', digest: SHA }, `ubuntu@${SHA}`, `docker.io/library/ubuntu@${SHA}`],
    [`ubuntu:1@${SHA}`, { domain: 'docker.io', path: 'library/ubuntu', tag: '1', digest: SHA }, `ubuntu:1@${SHA}`, `docker.io/library/ubuntu:1@${SHA}`],
    [`ubuntu@sha512:${HEX}${HEX}`, { domain: 'docker.io', path: 'library/ubuntu', digest: `sha512:${HEX}${HEX}` }, `ubuntu@sha512:${HEX}${HEX}`, `docker.io/library/ubuntu@sha512:${HEX}${HEX}`],
    // With a domain in front, 64 hex characters are a name.
    [`docker.io/${HEX}`, { domain: 'docker.io', path: `library/${HEX}` }, HEX, `docker.io/library/${HEX}`],
    ['dock__er/docker---rules', { domain: 'docker.io', path: 'dock__er/docker---rules' }, 'dock__er/docker---rules', 'docker.io/dock__er/docker---rules'],
    ['x/y:Tag_1.2-3', { domain: 'docker.io', path: 'x/y', tag: 'Tag_1.2-3' }, 'x/y:Tag_1.2-3', 'docker.io/x/y:Tag_1.2-3'],
    [`ubuntu:${'A'.repeat(128)}`, { domain: 'docker.io', path: 'library/ubuntu', tag: 'A'.repeat(128) }, `ubuntu:${'A'.repeat(128)}`, `docker.io/library/ubuntu:${'A'.repeat(128)}`],
    // library/ plus 247 characters is exactly the 255 allowed.
    ['a'.repeat(247), { domain: 'docker.io', path: `library/${'a'.repeat(247)}` }, 'a'.repeat(247), `docker.io/library/${'a'.repeat(247)}`],
  ];
  for (const [input, fields, familiar, canonical] of rows) {
    it(input.length > 80 ? `${input.slice(0, 77)}...` : input, () => {
      const ref = parseReference(input);
      assert.deepEqual({ ...ref }, fields);
      assert.equal(familiarString(ref), familiar);
      assert.equal(canonicalString(ref), canonical);
    });
  }
});

describe('parseReference: Docker error messages', () => {
  const rows: Array<[string, string]> = [
    ['', 'invalid reference format'],
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase'],
    ['docker.io/Library/x', 'invalid reference format: repository name (Library/x) must be lowercase'],
    ['localhost:5000/Foo:tag', 'invalid reference format: repository name (Foo) must be lowercase'],
    // Docker cuts the name at the first colon, which here is the digest's.
    [`ubuntu@SHA256:${HEX}`, 'invalid reference format: repository name (library/ubuntu@SHA256) must be lowercase'],
    // A host-like first component escapes the early check, then fails the grammar only because of case.
    ['Foo_bar.com/x', 'repository name must be lowercase'],
    [HEX, `invalid repository name (${HEX}), cannot specify 64-byte hexadecimal strings`],
    ['a'.repeat(248), 'repository name must not be more than 255 characters'],
    [`localhost/${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
    ['ubuntu:-bad', 'invalid reference format'],
    [`ubuntu:${'a'.repeat(129)}`, 'invalid reference format'],
    ['ubuntu:', 'invalid reference format'],
    ['ubuntu:latest:latest', 'invalid reference format'],
    ['ubuntu@sha256:abc', 'invalid reference format'],
    [`ubuntu@sha256:${HEX.slice(0, 32)}`, 'invalid checksum digest length'],
    [`ubuntu@sha256:${HEX.toUpperCase()}`, 'invalid checksum digest format'],
    [`ubuntu@foo:${HEX.slice(0, 32)}`, 'unsupported digest algorithm'],
    [`ubuntu@constructor:${HEX.slice(0, 32)}`, 'unsupported digest algorithm'],
    [`ubuntu@sha256+b64:${HEX.slice(0, 32)}`, 'unsupported digest algorithm'],
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['-docker', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    ['a___b', 'invalid reference format'],
    ['[fc00::1]:5000', 'invalid reference format'],
    ['fc00::1:5000/debian', 'invalid reference format'],
    ['[fe80::1%eth0]:5000/debian', 'invalid reference format'],
    [' ubuntu', 'invalid reference format'],
    ['ubuntu\n', 'invalid reference format'],
  ];
  for (const [input, message] of rows) {
    it(JSON.stringify(input.length > 80 ? `${input.slice(0, 77)}...` : input), () => {
      assert.throws(() => parseReference(input), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

describe('withDefaultTag and fullName', () => {
  const rows: Array<[string, string, string]> = [
    ['ubuntu', 'docker.io/library/ubuntu:latest', 'docker.io/library/ubuntu'],
    ['ubuntu:22.04', 'docker.io/library/ubuntu:22.04', 'docker.io/library/ubuntu'],
    [`ubuntu@${SHA}`, `docker.io/library/ubuntu@${SHA}`, 'docker.io/library/ubuntu'],
    ['localhost:5000/team/app', 'localhost:5000/team/app:latest', 'localhost:5000/team/app'],
  ];
  for (const [input, tagged, name] of rows) {
    it(input, () => {
      const ref = parseReference(input);
      assert.equal(canonicalString(withDefaultTag(ref)), tagged);
      assert.equal(fullName(ref), name);
      assert.equal(familiarName(withDefaultTag(ref)), familiarName(ref));
    });
  }

  it('returns a new reference and leaves the input alone', () => {
    const ref = parseReference('ubuntu');
    const tagged = withDefaultTag(ref);
    assert.notEqual(tagged, ref);
    assert.equal(ref.tag, undefined);
  });
});

describe('isImageIdLike', () => {
  const rows: Array<[string, boolean]> = [
    ['a', true],
    ['4f2a', true],
    [HEX, true],
    [SHA, true],
    ['sha256:4f', true],
    ['', false],
    ['sha256:', false],
    [`${HEX}0`, false],
    ['4F2A', false],
    ['ubuntu', false],
    ['sha512:4f2a', false],
  ];
  for (const [input, expected] of rows) {
    it(JSON.stringify(input), () => assert.equal(isImageIdLike(input), expected));
  }
});
