// Table tests for the registry server's pure parts: routing, manifest validation, ranges, pagination, tokens, access.
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { AccessPolicy } from '../../../src/registry/server/auth/access-file.ts';
import { signJwt, verifyJwt, verifyJwtWithKeys } from '../../../src/registry/server/auth/jwt.ts';
import { parseRange } from '../../../src/registry/server/blob-handlers.ts';
import { paginate } from '../../../src/registry/server/catalog.ts';
import { RegistryError } from '../../../src/registry/server/error-codes.ts';
import { parseManifest } from '../../../src/registry/server/manifest-format.ts';
import { route } from '../../../src/registry/server/router.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof RegistryError ? error.code : 'not a RegistryError';
  }
}

describe('route', () => {
  const rows: Array<[string, unknown]> = [
    ['/v2/', { kind: 'base' }],
    ['/v2/_catalog', { kind: 'catalog' }],
    ['/v2/team/app/manifests/v1', { kind: 'manifest', name: 'team/app', reference: 'v1' }],
    [`/v2/a/b/c/blobs/${DIGEST}`, { kind: 'blob', name: 'a/b/c', digest: DIGEST }],
    ['/v2/app/blobs/uploads/', { kind: 'upload', name: 'app', id: '' }],
    ['/v2/app/blobs/uploads/some-id', { kind: 'upload', name: 'app', id: 'some-id' }],
    ['/v2/app/tags/list', { kind: 'tags', name: 'app' }],
    [`/v2/app/referrers/${DIGEST}`, { kind: 'referrers', name: 'app', digest: DIGEST }],
    ['/v1/app', undefined],
  ];
  for (const [path, expected] of rows) it(path, () => assert.deepEqual(route(path), expected));
  const errors: Array<[string, string]> = [
    ['/v2/../x/tags/list', 'NAME_INVALID'],
    ['/v2/App/tags/list', 'NAME_INVALID'],
    [`/v2/${'a'.repeat(256)}/tags/list`, 'NAME_INVALID'],
    ['/v2/app/blobs/sha256:abc', 'DIGEST_INVALID'],
    ['/v2/app/manifests/-x', 'TAG_INVALID'],
  ];
  for (const [path, code] of errors) it(`${path} → ${code}`, () => assert.equal(codeOf(() => route(path)), code));
});

describe('parseManifest', () => {
  const oci = 'application/vnd.oci.image.manifest.v1+json';
  const descriptor = { mediaType: 'x', digest: DIGEST, size: 1 };
  const ok = { schemaVersion: 2, mediaType: oci, config: descriptor, layers: [descriptor], subject: descriptor, artifactType: 'a/b' };
  it('reads blobs, subject and artifact type', () => {
    const parsed = parseManifest(Buffer.from(JSON.stringify(ok)), oci);
    assert.equal(parsed.blobs.length, 2);
    assert.equal(parsed.subject?.digest, DIGEST);
    assert.equal(parsed.artifactType, 'a/b');
  });
  it('takes the media type from Content-Type when the body has none', () => {
    assert.equal(parseManifest(Buffer.from(JSON.stringify({ ...ok, mediaType: undefined })), oci).mediaType, oci);
  });
  const bad: Array<[string, unknown, string | undefined]> = [
    ['not JSON', '{', oci],
    ['an array', [], oci],
    ['schemaVersion 1', { ...ok, schemaVersion: 1 }, oci],
    ['an unknown media type', { ...ok, mediaType: undefined }, 'text/plain'],
    ['mediaType against Content-Type', ok, 'application/vnd.oci.image.index.v1+json'],
    ['a bad digest', { ...ok, layers: [{ ...descriptor, digest: 'sha256:zz' }] }, oci],
    ['a negative size', { ...ok, config: { ...descriptor, size: -1 } }, oci],
    ['layers not an array', { ...ok, layers: {} }, oci],
  ];
  for (const [what, body, contentType] of bad) {
    it(`refuses ${what}`, () => assert.equal(codeOf(() => parseManifest(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), contentType)), 'MANIFEST_INVALID'));
  }
});

describe('parseRange', () => {
  const rows: Array<[string, unknown]> = [
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=50-500', { start: 50, end: 99 }],
    ['bytes=100-', null],
    ['bytes=9-3', null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ];
  for (const [header, expected] of rows) it(header, () => assert.deepEqual(parseRange(header, 100), expected));
});

describe('paginate', () => {
  const items = ['B', 'a', 'b', 'c'];
  it('n and last', () => assert.deepEqual(paginate(items, { n: 2, last: 'a' }), { page: ['b', 'c'], more: false }));
  it('more to come', () => assert.deepEqual(paginate(items, { n: 2 }), { page: ['B', 'a'], more: true }));
  it('past the end', () => assert.deepEqual(paginate(items, { last: 'z' }), { page: [], more: false }));
  it('n=0', () => assert.deepEqual(paginate(items, { n: 0 }), { page: [], more: true }));
});

describe('jwt', () => {
  const key = Buffer.from('key');
  const now = 1_800_000_000;
  const claims = { iss: 'i', sub: 's', aud: 'a', exp: now + 60, nbf: now, iat: now, jti: 'j', access: [] };
  it('round-trips', () => assert.deepEqual(verifyJwt(signJwt(claims, key), key, now), claims));
  it('refuses another key', () => assert.equal(verifyJwt(signJwt(claims, Buffer.from('other')), key, now), undefined));
  it('refuses an expired token', () => assert.equal(verifyJwt(signJwt(claims, key), key, now + 61), undefined));
  it('refuses a changed payload', () => {
    const [header, , signature] = signJwt(claims, key).split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    assert.equal(verifyJwt(`${header}.${payload}.${signature}`, key, now), undefined);
  });
});

describe('jwt from an outside token server', () => {
  const now = 1_800_000_000;
  const claims = { iss: 'i', sub: 's', aud: 'a', exp: now + 60, nbf: now, iat: now, jti: 'j', access: [] };
  const es256 = (privateKey: KeyObject) => {
    const data = `${Buffer.from('{"alg":"ES256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${data}.${sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const trusted = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  it('trusts a key of the bundle', () => assert.deepEqual(verifyJwtWithKeys(es256(trusted.privateKey), [other.publicKey, trusted.publicKey], now), claims));
  it('refuses other keys', () => assert.equal(verifyJwtWithKeys(es256(other.privateKey), [trusted.publicKey], now), undefined));
  it('refuses HS256 where keys are public', () => assert.equal(verifyJwtWithKeys(signJwt(claims, Buffer.from('k')), [trusted.publicKey], now), undefined));
});

describe('AccessPolicy', () => {
  const policy = new AccessPolicy([
    { account: 'alice', name: 'team/*', actions: ['pull', 'push'] },
    { account: '*', name: 'public/*', actions: ['pull'] },
    { account: 'anonymous', name: 'open', actions: ['pull'] },
    { account: 'admin', name: '*', actions: ['*'] },
  ]);
  const rows: Array<[string | undefined, string, string, string[], string[]]> = [
    ['alice', 'repository', 'team/app', ['pull', 'push'], ['pull', 'push']],
    ['alice', 'repository', 'team/app', ['delete'], []],
    ['alice', 'repository', 'other', ['pull'], []],
    ['bob', 'repository', 'public/x', ['pull', 'push'], ['pull']],
    [undefined, 'repository', 'public/x', ['pull'], []],
    [undefined, 'repository', 'open', ['pull'], ['pull']],
    ['admin', 'repository', 'any/thing', ['delete'], ['delete']],
    ['admin', 'registry', 'catalog', ['*'], ['*']],
    ['alice', 'registry', 'catalog', ['*'], []],
  ];
  for (const [account, type, name, requested, granted] of rows) {
    it(`${account ?? 'anonymous'} ${type}:${name}:${requested}`, () => assert.deepEqual(policy.granted(account, type, name, requested), granted));
  }
  it('without a file: signed-in users get everything, anonymous nothing', () => {
    const open = new AccessPolicy(undefined);
    assert.deepEqual(open.granted('x', 'repository', 'a', ['pull', 'push']), ['pull', 'push']);
    assert.deepEqual(open.granted(undefined, 'repository', 'a', ['pull']), []);
  });
});
