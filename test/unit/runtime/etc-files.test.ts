// Docker's /etc/hosts and resolv.conf filtering (libnetwork's etchosts and FilterResolvDNS), and the IPAM arithmetic under the bridge.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterResolvConf, hostsContent } from '../../../src/runtime/network/etc-files.ts';
import { formatCidr, gatewayOf, overlaps, parseCidr } from '../../../src/runtime/network/ipam.ts';
import { macFor } from '../../../src/runtime/network/netns.ts';

describe('hostsContent', () => {
  it("writes libnetwork's defaults, then the container's address and hostname", () => {
    assert.equal(hostsContent({ hostname: 'abc', ipAddress: '172.31.0.2' }), '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n172.31.0.2\tabc\n');
  });
  it('has no address line without a network', () => assert.doesNotMatch(hostsContent({ hostname: 'abc' }), /abc/));
});

describe('filterResolvConf', () => {
  const rows: Array<[string, string, string]> = [
    ['keeps a LAN nameserver', 'nameserver 10.0.0.2\nsearch example.com\n', 'nameserver 10.0.0.2\nsearch example.com\n'],
    ['drops loopback ones', 'nameserver 127.0.0.53\nnameserver 10.0.0.2\n', 'nameserver 10.0.0.2\n'],
    ['drops IPv6 ones without IPv6', 'nameserver 2001:db8::1\nnameserver 10.0.0.2\n', 'nameserver 10.0.0.2\n'],
    ['falls back to Google DNS', 'nameserver 127.0.0.1\noptions edns0\n', 'options edns0\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4'],
    ['falls back for an empty file', '', '\nnameserver 8.8.8.8\nnameserver 8.8.4.4'],
  ];
  for (const [name, input, expected] of rows) it(name, () => assert.equal(filterResolvConf(input), expected));
});

describe('IPAM arithmetic', () => {
  it('normalises, overlaps and picks the gateway', () => {
    assert.equal(formatCidr(parseCidr('172.31.4.5/16')), '172.31.0.0/16');
    assert.equal(gatewayOf(parseCidr('172.31.0.0/16')), '172.31.0.1');
    assert.equal(overlaps(parseCidr('172.31.0.0/16'), parseCidr('172.31.9.0/24')), true);
    assert.equal(overlaps(parseCidr('172.31.0.0/16'), parseCidr('172.30.0.0/16')), false);
    assert.equal(overlaps(parseCidr('0.0.0.0/0'), parseCidr('10.1.0.0/16')), true);
  });
  it("derives Docker's MAC from the address", () => assert.equal(macFor('172.17.0.2'), '02:42:ac:11:00:02'));
});
