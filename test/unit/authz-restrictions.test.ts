/** Address parsing and CIDR matching for restrictions; geo rules without a GeoIP database. */
import { describe, expect, it } from 'vitest';
import { canonicalCidr, cidrContains, parseCidr, parseIp } from '../../src/domain/authz/ip-match.js';
import { RestrictionSet, defaultRestrictionCode, type RestrictionRule } from '../../src/domain/authz/restrictions.js';
import { GeoIp } from '../../src/domain/authz/geoip.js';
import { restrictionIp } from '../../src/domain/authz/restriction-ip.js';
import { createLogger } from '../../src/lib/logger.js';

const contains = (cidr: string, ip: string) => cidrContains(parseCidr(cidr)!, parseIp(ip)!);

describe('ip-match', () => {
  it('parses IPv4, IPv4-mapped IPv6 and IPv6 (any notation) to bytes', () => {
    expect([...parseIp('203.0.113.7')!.bytes]).toEqual([203, 0, 113, 7]);
    expect(parseIp('::ffff:203.0.113.7')).toEqual(parseIp('203.0.113.7'));
    expect(parseIp('::FFFF:cb00:7107')?.text).toBe('203.0.113.7');
    const v6 = parseIp('2001:DB8:0:0:0:0:0:1')!;
    expect(v6.text).toBe('2001:db8::1');
    expect([...v6.bytes]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect([...parseIp('::')!.bytes]).toEqual(Array(16).fill(0));
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseIp('')).toBeUndefined();
  });

  it('writes addresses exactly as restrictionIp (and so the whitelink) stores them', () => {
    const samples = [
      '203.0.113.7',
      '::ffff:198.51.100.9',
      '2001:DB8:0:0::7',
      '2001:db8:0:0:1:0:0:1',
      '2001:0:0:1:0:0:0:1',
      '::',
      '::1',
      '1::',
      'fe80::a:b:c:d',
      '64:ff9b::192.0.2.33',
      '0:0:0:0:0:0:0:0',
      'ABCD:EF01:2345:6789:ABCD:EF01:2345:6789',
    ];
    for (const ip of samples) expect(parseIp(ip)?.text, ip).toBe(restrictionIp(ip));
    for (const bad of [
      '1.2.3.4.5',
      '01.2.3.4',
      '256.1.1.1',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      'g::1',
      '::1.2.3',
      '1:2:3:4:5:6:7::8:9',
    ]) {
      expect(parseIp(bad), bad).toBeUndefined();
      expect(restrictionIp(bad), bad).toBeUndefined();
    }
  });

  it('matches CIDRs bit by bit, host bits ignored, never across IP versions', () => {
    expect(contains('203.0.113.0/24', '203.0.113.255')).toBe(true);
    expect(contains('203.0.113.0/24', '203.0.114.0')).toBe(false);
    expect(contains('203.0.113.77/24', '203.0.113.1')).toBe(true);
    expect(contains('10.0.0.0/9', '10.127.255.255')).toBe(true);
    expect(contains('10.0.0.0/9', '10.128.0.0')).toBe(false);
    expect(contains('0.0.0.0/0', '198.51.100.1')).toBe(true);
    expect(contains('198.51.100.1/32', '198.51.100.1')).toBe(true);
    expect(contains('198.51.100.1/32', '::ffff:198.51.100.1')).toBe(true);
    expect(contains('2001:db8::/33', '2001:db8:7fff::1')).toBe(true);
    expect(contains('2001:db8::/33', '2001:db8:8000::1')).toBe(false);
    expect(contains('::/0', '203.0.113.1')).toBe(false);
    expect(contains('0.0.0.0/0', '2001:db8::1')).toBe(false);
  });

  it('rejects malformed CIDRs and writes valid ones canonically', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '2001:db8::/129', 'x/8', '10.0.0.0/-1', '10.0.0.0/8/8']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
    expect(canonicalCidr('2001:DB8:0::/32')).toBe('2001:db8::/32');
    expect(canonicalCidr('::ffff:10.0.0.0/8')).toBe('10.0.0.0/8');
  });
});

describe('RestrictionSet', () => {
  let id = 1;
  const row = (r: Partial<RestrictionRule>): RestrictionRule =>
    ({
      id: id++,
      category: 'blacklist',
      scope: 'ip',
      value: '',
      code: null,
      state: 'enabled',
      ...r,
    }) as RestrictionRule;

  it('without a GeoIP database, country and continent rules never match; address rules still do', async () => {
    const geo = await GeoIp.open({ lang: 'en' }, createLogger('silent'));
    const set = new RestrictionSet(
      [
        row({ scope: 'country', value: 'Japan' }),
        row({ scope: 'continent', value: 'AS' }),
        row({ scope: 'ip', value: '203.0.113.9' }),
      ],
      geo,
    );
    expect(set.check('203.0.113.5', 'other')).toBeUndefined();
    expect(set.check('203.0.113.9', 'other')).toEqual({ status: 401, key: 'authz.restrict.blacklist' });
  });

  it("Barong's default codes", () => {
    expect(defaultRestrictionCode('maintenance', 'ip')).toBe(471);
    expect(defaultRestrictionCode('maintenance', 'country')).toBe(471);
    expect(defaultRestrictionCode('blacklist', 'continent')).toBe(423);
    expect(defaultRestrictionCode('blacklist', 'country')).toBe(423);
    expect(defaultRestrictionCode('blacklist', 'ip_subnet')).toBe(403);
    expect(defaultRestrictionCode('blacklist', 'ip')).toBe(401);
    expect(defaultRestrictionCode('blocklogin', 'all')).toBe(401);
  });
});
