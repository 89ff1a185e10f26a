// Table tests for Docker's -p syntax and EXPOSE'd port keys, with go-connections' error texts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { portsToPublish } from '../../../src/runtime/network/attach.ts';
import { parseExposed, parsePublish } from '../../../src/runtime/network/publish-spec.ts';
import { UsageError } from '../../../src/cli/usage-error.ts';

describe('parsePublish', () => {
  const rows: Array<[string, unknown]> = [
    ['80', [{ containerPort: 80, protocol: 'tcp' }]],
    ['8000:80', [{ hostPort: 8000, containerPort: 80, protocol: 'tcp' }]],
    ['8000:80/udp', [{ hostPort: 8000, containerPort: 80, protocol: 'udp' }]],
    ['8000:80/UDP', [{ hostPort: 8000, containerPort: 80, protocol: 'udp' }]],
    ['127.0.0.1:8000:80', [{ hostIp: '127.0.0.1', hostPort: 8000, containerPort: 80, protocol: 'tcp' }]],
    ['127.0.0.1::80', [{ hostIp: '127.0.0.1', containerPort: 80, protocol: 'tcp' }]],
    ['[::1]:8000:80', [{ hostIp: '::1', hostPort: 8000, containerPort: 80, protocol: 'tcp' }]],
    ['0:80', [{ containerPort: 80, protocol: 'tcp' }]],
    ['8000-8001:80-81', [{ hostPort: 8000, containerPort: 80, protocol: 'tcp' }, { hostPort: 8001, containerPort: 81, protocol: 'tcp' }]],
    ['8000-8010:80', [{ hostPort: 8000, hostPortEnd: 8010, containerPort: 80, protocol: 'tcp' }]],
    ['80-81/udp', [{ containerPort: 80, protocol: 'udp' }, { containerPort: 81, protocol: 'udp' }]],
  ];
  for (const [input, expected] of rows) it(input, () => assert.deepEqual(parsePublish(input), expected));

  const errors: Array<[string, string]> = [
    ['abc', 'invalid containerPort: abc'],
    ['1.2.3:80:80', 'invalid IP address: 1.2.3'],
    ['80/xyz', 'invalid proto: xyz'],
    ['8000-8001:80-82', 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001'],
    ['70000:80', 'invalid hostPort: 70000'],
    ['', 'no port specified: <empty>'],
    ['8000:', 'no port specified: 8000:<empty>'],
  ];
  for (const [input, message] of errors) {
    it(`refuses ${JSON.stringify(input)}`, () => assert.throws(() => parsePublish(input), (error: Error) => error instanceof UsageError && error.message === message && error.exitCode === 125));
  }
});

describe('parseExposed and -P', () => {
  it('reads image ExposedPorts keys', () => {
    assert.deepEqual(parseExposed('80/tcp'), [{ containerPort: 80, protocol: 'tcp' }]);
    assert.deepEqual(parseExposed('53/udp'), [{ containerPort: 53, protocol: 'udp' }]);
    assert.deepEqual(parseExposed('8000-8001'), [{ containerPort: 8000, protocol: 'tcp' }, { containerPort: 8001, protocol: 'tcp' }]);
  });

  it('publishes every exposed port not already published explicitly', () => {
    const publish = parsePublish('9000:80');
    assert.deepEqual(portsToPublish({ publish, publishAll: true, exposedPorts: ['80/tcp', '443/tcp', '53/udp'] }), [
      { hostPort: 9000, containerPort: 80, protocol: 'tcp' },
      { containerPort: 443, protocol: 'tcp' },
      { containerPort: 53, protocol: 'udp' },
    ]);
    assert.deepEqual(portsToPublish({ publish, publishAll: false, exposedPorts: ['443/tcp'] }), publish);
  });
});
