import { describe, expect, it } from 'vitest';
import { blockedRange, parseAllowList, parseCidr } from '@/lib/net/addresses';

describe('outbound addresses', () => {
  describe('PORTAL_OUTBOUND_ALLOW entries', () => {
    it('parses IPv4 and IPv6 CIDRs, and a bare address as a single host', () => {
      expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, prefix: 8, base: 0x0a000000n });
      expect(parseCidr('192.168.1.7')).toMatchObject({ family: 4, prefix: 32, base: 0xc0a80107n });
      expect(parseCidr('fd00::/8')).toMatchObject({ family: 6, prefix: 8, base: 0xfdn << 120n });
      expect(parseCidr('::1')).toMatchObject({ family: 6, prefix: 128, base: 1n });
      expect(parseCidr('0.0.0.0/0')).toMatchObject({ family: 4, prefix: 0, base: 0n });
      // Host bits below the prefix do not matter.
      expect(parseCidr('10.1.2.3/8')).toMatchObject({ family: 4, prefix: 8, base: 0x0a000000n });
    });

    it('splits a list on commas and spaces, and reads empty text as an empty list', () => {
      expect(parseAllowList('127.0.0.0/8, 10.0.0.5  fd00::/8,,').map((c) => c.text)).toEqual([
        '127.0.0.0/8',
        '10.0.0.5',
        'fd00::/8',
      ]);
      expect(parseAllowList('')).toEqual([]);
      expect(parseAllowList('  ')).toEqual([]);
    });

    it.each([
      '10.0.0.300',
      '10.0.0.0/33',
      'fd00::/129',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '10.0.0.0/-1',
      'localhost',
      '10.0.0',
      'fe80::1%eth0',
      '10.0.0.0/x',
    ])('refuses the bad entry %s, naming it', (entry) => {
      expect(() => parseAllowList(`127.0.0.0/8, ${entry}`)).toThrow(
        `"${entry}" is not an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8.`,
      );
    });
  });

  describe('the built-in rules', () => {
    it.each([
      ['127.0.0.1', '127.0.0.0/8', 'loopback'],
      ['127.255.1.2', '127.0.0.0/8', 'loopback'],
      ['0.0.0.0', '0.0.0.0/8', 'unspecified'],
      ['10.20.30.40', '10.0.0.0/8', 'private'],
      ['172.16.0.1', '172.16.0.0/12', 'private'],
      ['172.31.255.255', '172.16.0.0/12', 'private'],
      ['192.168.0.1', '192.168.0.0/16', 'private'],
      ['169.254.169.254', '169.254.0.0/16', 'link-local'],
      ['100.64.0.1', '100.64.0.0/10', 'carrier-grade NAT'],
      ['100.127.255.255', '100.64.0.0/10', 'carrier-grade NAT'],
      ['224.0.0.251', '224.0.0.0/4', 'multicast'],
      ['239.255.255.250', '224.0.0.0/4', 'multicast'],
      ['240.0.0.1', '240.0.0.0/4', 'reserved'],
      ['255.255.255.255', '255.255.255.255/32', 'broadcast'],
      ['192.0.2.10', '192.0.2.0/24', 'documentation'],
      ['198.18.0.1', '198.18.0.0/15', 'benchmarking'],
      ['::', '::/128', 'unspecified'],
      ['::1', '::1/128', 'loopback'],
      ['fe80::1', 'fe80::/10', 'link-local'],
      ['fe80::1%eth0', 'fe80::/10', 'link-local'],
      ['febf:ffff::1', 'fe80::/10', 'link-local'],
      ['fc00::1', 'fc00::/7', 'unique-local'],
      ['fd00::1', 'fc00::/7', 'unique-local'],
      ['ff02::1', 'ff00::/8', 'multicast'],
      ['2001:db8::1', '2001:db8::/32', 'documentation'],
      ['::ffff:127.0.0.1', '127.0.0.0/8', 'loopback 127.0.0.1 in IPv4-mapped form'],
      ['::ffff:7f00:1', '127.0.0.0/8', 'loopback 127.0.0.1 in IPv4-mapped form'],
      ['::ffff:10.0.0.1', '10.0.0.0/8', 'private 10.0.0.1 in IPv4-mapped form'],
      ['::ffff:169.254.169.254', '169.254.0.0/16', 'link-local 169.254.169.254 in IPv4-mapped form'],
      ['64:ff9b::a00:1', '10.0.0.0/8', 'private 10.0.0.1 in NAT64 form'],
      ['64:ff9b::127.0.0.1', '127.0.0.0/8', 'loopback 127.0.0.1 in NAT64 form'],
      ['2002:7f00:1::', '127.0.0.0/8', 'loopback 127.0.0.1 in 6to4 form'],
      ['2002:c0a8:101::1', '192.168.0.0/16', 'private 192.168.1.1 in 6to4 form'],
      ['::127.0.0.1', '::/96', 'IPv4-compatible (deprecated)'],
    ])('refuses %s (%s, %s)', (address, range, kind) => {
      expect(blockedRange(address, [])).toEqual({ range, kind });
    });

    it.each([
      '8.8.8.8',
      '1.1.1.1',
      '93.184.215.14',
      '172.32.0.1',
      '100.128.0.1',
      '192.169.0.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001:82b::200e',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ])('lets the public address %s through', (address) => {
      expect(blockedRange(address, [])).toBeNull();
    });

    it('refuses what is not an IP address at all', () => {
      expect(blockedRange('example.com', [])).toEqual({ range: 'example.com', kind: 'not an IP address' });
    });
  });

  describe('the allow-list', () => {
    const allow = parseAllowList('127.0.0.0/8 10.1.0.0/16 fd00:1::/32 169.254.169.254');

    it('lets listed addresses through, in IPv4 and in their IPv6 forms', () => {
      for (const address of [
        '127.0.0.1',
        '127.9.9.9',
        '10.1.200.3',
        'fd00:1::5',
        '169.254.169.254',
        '::ffff:127.0.0.1',
        '64:ff9b::a01:203',
        '2002:7f00:1::',
      ]) {
        expect(blockedRange(address, allow), address).toBeNull();
      }
    });

    it('still refuses what it does not list', () => {
      expect(blockedRange('10.2.0.1', allow)).toEqual({ range: '10.0.0.0/8', kind: 'private' });
      expect(blockedRange('::1', allow)).toEqual({ range: '::1/128', kind: 'loopback' });
      expect(blockedRange('fd00:2::1', allow)).toEqual({ range: 'fc00::/7', kind: 'unique-local' });
      expect(blockedRange('169.254.169.253', allow)).toEqual({ range: '169.254.0.0/16', kind: 'link-local' });
      expect(blockedRange('::ffff:10.2.0.1', allow)).toEqual({
        range: '10.0.0.0/8',
        kind: 'private 10.2.0.1 in IPv4-mapped form',
      });
    });

    it('allows an IPv6 range written as such', () => {
      expect(blockedRange('::1', parseAllowList('::1/128'))).toBeNull();
      expect(blockedRange('fe80::abcd', parseAllowList('fe80::/10'))).toBeNull();
    });
  });
});
