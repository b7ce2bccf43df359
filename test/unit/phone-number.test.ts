import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePhoneNumber } from '../../src/domain/phones/phone-number.js';

describe('parsePhoneNumber', () => {
  it.each([
    ['+1 202-555-0143', '12025550143', 'US'],
    ['+12025550143', '12025550143', 'US'],
    ['12025550143', '12025550143', 'US'], // no `+`: read as international, as Phonelib does
    ['+1 (202) 555.0143', '12025550143', 'US'],
    ['  +1 202 555 0143  ', '12025550143', 'US'],
    ['+44 20 7946 0958', '442079460958', 'GB'],
    ['+49 30 901820', '4930901820', 'DE'],
    ['+33 1 42 68 53 00', '33142685300', 'FR'],
    ['+81 3-1234-5678', '81312345678', 'JP'],
    ['+86 138 0013 8000', '8613800138000', 'CN'],
  ])('%j → %s (%s)', (input, digits, country) => {
    expect(parsePhoneNumber(input)).toEqual({ digits, e164: `+${digits}`, country });
  });

  it.each([
    ['empty', ''],
    ['letters', 'call me'],
    ['an extension', '+1 202 555 0143 ext 5'],
    ['a second plus', '++12025550143'],
    ['a slash', '+1 202/555/0143'],
    ['fewer than 4 digits', '+123'],
    ['more than 17 digits', '+1234567890123456789'],
    ['a digit short', '+1 202 555 014'],
    ['two digits over', '+1 202 555 014300'],
    ['a national number without its country code', '2025550143'],
    ['an area code that does not exist', '+1 999 555 0143'],
    ['a non-geographic number, which cannot take an SMS', '+800 1234 5678'],
  ])('refuses %s: %j', (_name, input) => {
    expect(parsePhoneNumber(input)).toBeUndefined();
  });

  it('ignores spaces, dots, dashes and brackets wherever they stand', () => {
    const separated = fc.array(fc.constantFrom('', ' ', '.', '-', '(', ')'), { minLength: 11, maxLength: 11 });
    fc.assert(
      fc.property(separated, fc.boolean(), (separators, plus) => {
        const written = [...'12025550143'].map((digit, i) => digit + separators[i]).join('');
        expect(parsePhoneNumber(`${plus ? '+' : ''}${written}`)?.digits).toBe('12025550143');
      }),
    );
  });

  it.each(['+1 202-555-0143', '+44 20 7946 0958', '+49 30 901820', '+81 3-1234-5678', '+86 138 0013 8000'])(
    'is idempotent: what it stores and what it sends to Twilio for %j parse to the same number',
    (input) => {
      const parsed = parsePhoneNumber(input)!;
      expect(parsePhoneNumber(parsed.digits)).toEqual(parsed);
      expect(parsePhoneNumber(parsed.e164)).toEqual(parsed);
    },
  );
});
