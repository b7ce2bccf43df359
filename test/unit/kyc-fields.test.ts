import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  charLength,
  isCalendarDate,
  METADATA_MAX_BYTES,
  metadataError,
  squish,
  todayUtc,
} from '../../src/domain/kyc/kyc-fields.js';

describe('squish', () => {
  it.each([
    ['  John  ', 'John'],
    ['John   Paul', 'John Paul'],
    ['\tJohn\n\nPaul\r\n', 'John Paul'],
    ['John\u00a0\u2003Paul', 'John Paul'], // Unicode spaces count, as in Rails
    ['   ', ''],
    ['', ''],
  ])('%j → %j', (raw, squished) => {
    expect(squish(raw)).toBe(squished);
  });

  it('is idempotent and leaves no space at the ends nor two in a row', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (raw) => {
        const once = squish(raw);
        expect(squish(once)).toBe(once);
        expect(once).toBe(once.trim());
        expect(once).not.toMatch(/\s\s/u);
      }),
    );
  });
});

describe('charLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['😀', 1], // two UTF-16 units, one character
    ['e\u0301', 2], // a letter and a combining accent are two, as Ruby counts them
    ['李小龍', 3],
  ])('%j has %i characters', (value, length) => {
    expect(charLength(value)).toBe(length);
  });

  it('never counts more than the UTF-16 length, and counts code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(charLength(value)).toBeLessThanOrEqual(value.length);
        expect(charLength(value)).toBe(Array.from(value).length);
      }),
    );
  });
});

describe('isCalendarDate', () => {
  it.each(['2024-02-29', '2023-12-31', '1900-01-01', '9999-12-31', '2000-02-29'])('%s is a date', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each([
    '2023-02-29', // not a leap year
    '1900-02-29', // a century that is not a leap year
    '2024-13-01',
    '2024-00-10',
    '2024-01-32',
    '2024-04-31',
    '2024-1-01',
    '20240101',
    '2024/01/01',
    ' 2024-01-01',
    '2024-01-01T00:00:00Z',
    'yesterday',
    '',
  ])('%j is not', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });

  it('accepts exactly the days the calendar has', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          expect(isCalendarDate(d.toISOString().slice(0, 10))).toBe(true);
        },
      ),
    );
  });
});

describe('todayUtc', () => {
  it('is the UTC date, whatever the offset of the moment given', () => {
    expect(todayUtc(new Date('2024-03-05T23:30:00-05:00'))).toBe('2024-03-06');
    expect(todayUtc(new Date('2024-03-06T00:30:00+02:00'))).toBe('2024-03-05');
  });
});

describe('metadataError', () => {
  it.each(['{}', '{"country":"US"}', '[1,2]', '"text"', '1', 'null', 'true'])(
    '%s is any JSON value: accepted',
    (metadata) => {
      expect(metadataError(metadata)).toBeUndefined();
    },
  );

  it.each(['{', "{'a':1}", 'not json', '', '{"a":1,}'])('%j is not JSON: metadata.invalid_format', (metadata) => {
    expect(metadataError(metadata)).toBe('metadata.invalid_format');
  });

  it('fits the TEXT column: up to 65,535 bytes of UTF-8, counted in bytes', () => {
    const fits = `"${'x'.repeat(METADATA_MAX_BYTES - 2)}"`;
    expect(Buffer.byteLength(fits)).toBe(65_535);
    expect(metadataError(fits)).toBeUndefined();
    expect(metadataError(`"${'x'.repeat(METADATA_MAX_BYTES - 1)}"`)).toBe('metadata.too_long');
    // 'é' is two bytes: fewer characters than bytes is still too long.
    const wide = `"${'é'.repeat(32_767)}"`;
    expect(wide.length).toBeLessThan(METADATA_MAX_BYTES);
    expect(metadataError(wide)).toBe('metadata.too_long');
  });

  it('reports the size before the syntax', () => {
    expect(metadataError('{'.repeat(METADATA_MAX_BYTES + 1))).toBe('metadata.too_long');
  });
});
