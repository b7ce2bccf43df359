/**
 * signatureMatches (src/domain/api-keys/api-key-secrets.ts), the helper the gateway authorizer checks every API-key
 * signature with (security case 15): the right HMAC passes; a wrong length, a one-bit change anywhere or another
 * signed string fails; hex digits are compared by value, so their case does not matter, but the signed string's does.
 */
import { describe, expect, it } from 'vitest';
import { hmacHex, signatureMatches } from '../../src/domain/api-keys/api-key-secrets.js';

// Barong's documented example (reference §5.4).
const SECRET = '2d0b4979c7fe6986daa8e21d1dc0644f';
const KID = '61d025b8573501c2';
const DATA = `1584524005143${KID}`;
const GOOD = 'bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d13';

/** The signature with bit `bit` (0 = the first byte's highest bit) flipped. */
function flipBit(hex: string, bit: number): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[bit >> 3]! ^= 0x80 >> (bit & 7);
  return bytes.toString('hex');
}

describe('signatureMatches', () => {
  it("accepts the HMAC of the signed string (Barong's example)", () => {
    expect(signatureMatches('HS256', SECRET, DATA, GOOD)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['one hex digit short', GOOD.slice(0, -1)],
    ['one byte short', GOOD.slice(0, -2)],
    ['one hex digit more', `${GOOD}0`],
    ['twice as long', GOOD + GOOD],
    ['the HS512 length', hmacHex('HS512', SECRET, DATA)],
  ])('refuses a signature of the wrong length (%s)', (_what, signature) => {
    expect(signatureMatches('HS256', SECRET, DATA, signature)).toBe(false);
  });

  it.each(['HS256', 'HS384', 'HS512'])('%s: refuses the signature with any single bit changed', (algorithm) => {
    const good = hmacHex(algorithm, SECRET, DATA);
    const bits = good.length * 4;
    const accepted = Array.from({ length: bits }, (_, bit) => bit).filter((bit) =>
      signatureMatches(algorithm, SECRET, DATA, flipBit(good, bit)),
    );
    expect(accepted).toEqual([]);
    expect(signatureMatches(algorithm, SECRET, DATA, good)).toBe(true);
  });

  it('compares hex digits by value: upper or mixed case is the same signature', () => {
    expect(signatureMatches('HS256', SECRET, DATA, GOOD.toUpperCase())).toBe(true);
    expect(
      signatureMatches(
        'HS256',
        SECRET,
        DATA,
        GOOD.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c)),
      ),
    ).toBe(true);
  });

  it('refuses a signature of the string in another case (the kid or the method upper-cased)', () => {
    expect(signatureMatches('HS256', SECRET, DATA, hmacHex('HS256', SECRET, `1584524005143${KID.toUpperCase()}`))).toBe(
      false,
    );
    expect(
      signatureMatches('HS256', SECRET, `GET/api/v2/x${DATA}`, hmacHex('HS256', SECRET, `get/api/v2/x${DATA}`)),
    ).toBe(false);
  });

  it('refuses non-hex characters of the right length, another secret and another algorithm', () => {
    expect(signatureMatches('HS256', SECRET, DATA, `zz${GOOD.slice(2)}`)).toBe(false);
    expect(signatureMatches('HS256', SECRET, DATA, `ｂ${GOOD.slice(1)}`)).toBe(false); // a full-width b: no hex digit
    expect(signatureMatches('HS256', SECRET.replace(/^2/, '3'), DATA, GOOD)).toBe(false);
    expect(signatureMatches('HS384', SECRET, DATA, hmacHex('HS256', SECRET, DATA))).toBe(false);
    expect(() => signatureMatches('none', SECRET, DATA, GOOD)).toThrow(/unsupported API key algorithm/);
  });
});
