import { describe, expect, it } from 'vitest';
import {
  DOC_CATEGORIES,
  modelErrors,
  requestError,
  type DocumentInput,
  type DocumentRules,
} from '../../src/domain/kyc/document-rules.js';

const NOW = new Date('2025-06-15T12:00:00Z');
const STRICT: DocumentRules = { types: ['Passport', 'Identity card', 'Utility Bill'], requireExpiry: true };
const LENIENT: DocumentRules = { ...STRICT, requireExpiry: false };
const DOC: DocumentInput = { docType: 'Passport', docNumber: 'AB123456', docExpire: '2030-01-01' };

describe('requestError: expiry and category, each answering alone', () => {
  it.each<[string, Partial<DocumentInput>, string | undefined]>([
    ['a date ahead', {}, undefined],
    ['today', { docExpire: '2025-06-15' }, undefined],
    ['surrounding blanks', { docExpire: ' 2030-01-01 ' }, undefined],
    ['no expiry', { docExpire: undefined }, 'resource.documents.invalid_format'],
    ['an empty expiry', { docExpire: '' }, 'resource.documents.invalid_format'],
    ['a blank expiry', { docExpire: '   ' }, 'resource.documents.invalid_format'],
    ['slashes', { docExpire: '2030/01/01' }, 'resource.documents.invalid_format'],
    ['one-digit month', { docExpire: '2030-1-01' }, 'resource.documents.invalid_format'],
    ['a day the calendar lacks', { docExpire: '2030-02-30' }, 'resource.documents.expire_not_a_date'],
    ['a month 13', { docExpire: '2030-13-01' }, 'resource.documents.expire_not_a_date'],
    ['yesterday', { docExpire: '2025-06-14' }, 'resource.documents.already_expired'],
  ])('expiry required, %s', (_name, edit, key) => {
    expect(requestError({ ...DOC, ...edit }, STRICT, NOW)).toBe(key);
  });

  it.each<[string, Partial<DocumentInput>, string | undefined]>([
    ['no expiry', { docExpire: undefined }, undefined],
    ['a blank expiry', { docExpire: '  ' }, undefined],
    ['a past date', { docExpire: '2001-01-01' }, undefined],
    ['a day the calendar lacks', { docExpire: '2030-02-30' }, 'resource.documents.expire_not_a_date'],
    ['not a date at all', { docExpire: 'soon' }, 'resource.documents.expire_not_a_date'],
  ])('expiry optional, %s', (_name, edit, key) => {
    expect(requestError({ ...DOC, ...edit }, LENIENT, NOW)).toBe(key);
  });

  it.each([...DOC_CATEGORIES, '', undefined])('category %j is accepted', (docCategory) => {
    expect(requestError({ ...DOC, docCategory }, STRICT, NOW)).toBeUndefined();
  });

  it.each(['passport', 'Front_side', 'front side', 'portrait'])(
    'category %j → resource.documents.doc_category',
    (docCategory) => {
      expect(requestError({ ...DOC, docCategory }, STRICT, NOW)).toBe('resource.documents.doc_category');
    },
  );

  it('checks the expiry before the category', () => {
    expect(requestError({ ...DOC, docExpire: '2025-01-01', docCategory: 'portrait' }, STRICT, NOW)).toBe(
      'resource.documents.already_expired',
    );
  });
});

describe('modelErrors: the fields every document of a batch shares', () => {
  const errors = (edit: Partial<DocumentInput>, numberRequired = true) =>
    modelErrors({ ...DOC, ...edit }, STRICT, numberRequired);

  it('accepts a complete document', () => {
    expect(errors({ identificator: 'batch-1', metadata: '{"country":"US"}' })).toEqual([]);
  });

  it.each<[string, Partial<DocumentInput>, string[]]>([
    ['no type', { docType: '' }, ['doc_type.blank']],
    ['a type off the list', { docType: 'Visa' }, ['doc_type.inclusion']],
    ['a type in another case', { docType: 'passport' }, ['doc_type.inclusion']],
    ['a type of two words', { docType: 'Identity card' }, []],
    ['no number', { docNumber: undefined }, ['doc_number.blank']],
    ['a blank number', { docNumber: '   ' }, ['doc_number.blank']],
    ['letters, digits, dashes and spaces', { docNumber: 'AB-12 34' }, []],
    ['128 characters', { docNumber: 'A'.repeat(128) }, []],
    ['129 characters', { docNumber: 'A'.repeat(129) }, ['doc_number.too_long']],
    [
      '129 characters that are not allowed either: the length is reported',
      { docNumber: '#'.repeat(129) },
      ['doc_number.too_long'],
    ],
    ['an underscore', { docNumber: 'AB_123' }, ['doc_number.invalid']],
    ['a hash', { docNumber: 'AB#123' }, ['doc_number.invalid']],
    ['a letter outside ASCII', { docNumber: 'ÄB123' }, ['doc_number.invalid']],
    ['an identificator of 64 characters', { identificator: '😀'.repeat(64) }, []],
    ['an identificator of 65 characters', { identificator: 'x'.repeat(65) }, ['identificator.too_long']],
    ['metadata that is not JSON', { metadata: '{' }, ['metadata.invalid_format']],
    ['blank metadata', { metadata: '   ' }, []],
  ])('%s', (_name, edit, expected) => {
    expect(errors(edit)).toEqual(expected);
  });

  it('lets an address document go without a number, but still checks a number given', () => {
    expect(errors({ docNumber: undefined }, false)).toEqual([]);
    expect(errors({ docNumber: 'AB_1' }, false)).toEqual(['doc_number.invalid']);
  });

  it('reports every problem at once, in field order', () => {
    expect(errors({ docType: 'Visa', docNumber: 'AB_1', identificator: 'x'.repeat(65), metadata: 'nope' })).toEqual([
      'doc_type.inclusion',
      'doc_number.invalid',
      'identificator.too_long',
      'metadata.invalid_format',
    ]);
  });
});
