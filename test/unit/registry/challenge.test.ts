// Table tests for WWW-Authenticate parsing: several challenges, quoted values with escapes, Basic and Bearer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Challenge, findChallenge, parseChallenges } from '../../../src/registry/client/auth/challenge.ts';

describe('parseChallenges', () => {
  const rows: Array<[string, Challenge[]]> = [
    ['Basic realm="test-realm"', [{ scheme: 'basic', params: { realm: 'test-realm' } }]],
    ['basic realm=plain', [{ scheme: 'basic', params: { realm: 'plain' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } }],
    ],
    [
      'Bearer realm="http://127.0.0.1:1/token", service="svc", scope="repository:a:pull repository:b:pull,push", error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 'svc', scope: 'repository:a:pull repository:b:pull,push', error: 'insufficient_scope' } }],
    ],
    ['Bearer realm="a \\"quoted\\" \\\\ realm"', [{ scheme: 'bearer', params: { realm: 'a "quoted" \\ realm' } }]],
    ['Bearer Realm="x", SERVICE=y', [{ scheme: 'bearer', params: { realm: 'x', service: 'y' } }]],
    [
      'Basic realm="r1", Bearer realm="https://a/token",service="s"',
      [{ scheme: 'basic', params: { realm: 'r1' } }, { scheme: 'bearer', params: { realm: 'https://a/token', service: 's' } }],
    ],
    ['Negotiate abc==, Basic realm="r"', [{ scheme: 'negotiate', params: {}, token68: 'abc==' }, { scheme: 'basic', params: { realm: 'r' } }]],
    ['Bearer', [{ scheme: 'bearer', params: {} }]],
    ['Bearer realm="unterminated', [{ scheme: 'bearer', params: { realm: 'unterminated' } }]],
    ['Bearer realm="a,b", service="c"', [{ scheme: 'bearer', params: { realm: 'a,b', service: 'c' } }]],
    ['  ,, ', []],
    ['', []],
  ];
  for (const [header, expected] of rows) {
    it(JSON.stringify(header), () => assert.deepEqual(parseChallenges(header), expected));
  }

  it('reads each header of several', () => {
    const challenges = parseChallenges(['Basic realm="a"', 'Bearer realm="b"']);
    assert.deepEqual(challenges.map((challenge) => challenge.scheme), ['basic', 'bearer']);
  });

  it('finds a scheme among several', () => {
    const challenges = parseChallenges('Basic realm="a", Bearer realm="b"');
    assert.equal(findChallenge(challenges, 'bearer')?.params.realm, 'b');
    assert.equal(findChallenge(challenges, 'digest'), undefined);
  });
});
