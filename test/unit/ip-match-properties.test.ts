/** Properties of address parsing for restrictions (src/domain/authz/ip-match.ts), over generated addresses. */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../src/domain/authz/ip-match.js';

const v4Part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('01', '00', '0x1', ''));
const v4 = fc.array(v4Part, { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.'));
const group = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)),
  fc.constantFrom('0', 'FFFF', '12345', 'g', ''),
);
const v6 = fc
  .tuple(fc.array(group, { maxLength: 9 }), fc.boolean(), fc.array(group, { maxLength: 8 }), fc.option(v4))
  .map(([head, compressed, tail, dotted]) => {
    let s = head.join(':');
    if (compressed) s += `::${tail.join(':')}`;
    if (dotted) s += `${s.endsWith(':') ? '' : ':'}${dotted}`;
    return s;
  });
const address = fc.oneof(v4, v6, fc.ipV4(), fc.ipV6());

describe('ip-match properties', () => {
  it('accepts exactly what node:net calls an address', () => {
    fc.assert(
      fc.property(address, (s) => {
        expect(parseIp(s) !== undefined, s).toBe(isIP(s) !== 0);
      }),
      { numRuns: 20_000 },
    );
  });

  it('canonical text is a fixed point and names the same bytes', () => {
    fc.assert(
      fc.property(address, (s) => {
        const ip = parseIp(s);
        if (!ip) return;
        const again = parseIp(ip.text)!;
        expect(again.text, s).toBe(ip.text);
        expect([...again.bytes], s).toEqual([...ip.bytes]);
      }),
      { numRuns: 20_000 },
    );
  });

  it('a network contains every address it was written from, whatever the prefix', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 128 }), (s, bits) => {
        const ip = parseIp(s)!;
        const prefix = Math.min(bits, ip.bytes.length * 8);
        expect(cidrContains(parseCidr(`${s}/${prefix}`)!, ip), `${s}/${prefix}`).toBe(true);
      }),
    );
  });
});
