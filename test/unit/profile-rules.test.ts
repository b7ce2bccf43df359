import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normaliseProfile, type ProfileInput } from '../../src/domain/kyc/profile-rules.js';

const NOW = new Date('2025-06-15T12:00:00Z');
const normalise = (input: ProfileInput) => normaliseProfile(input, NOW);

describe('normaliseProfile', () => {
  it('takes an empty profile: every field is optional', () => {
    expect(normalise({})).toEqual({ values: {}, errors: [] });
  });

  it('counts a blank value as not given', () => {
    expect(normalise({ first_name: '   ', address: '\t', country: ' ', metadata: '' })).toEqual({
      values: {},
      errors: [],
    });
  });

  it('squishes names, postcode and city; trims address, dob and metadata; upper-cases the country', () => {
    const { values, errors } = normalise({
      first_name: '  Jean   Luc ',
      last_name: "\tO'Brien\n",
      dob: ' 1990-05-17 ',
      address: ' 1  Main St. ',
      postcode: ' SW1A   1AA ',
      city: '  Saint   Louis ',
      country: ' de ',
      metadata: ' {"a":1} ',
    });
    expect(errors).toEqual([]);
    expect(values).toEqual({
      first_name: 'Jean Luc',
      last_name: "O'Brien",
      dob: '1990-05-17',
      address: '1  Main St.',
      postcode: 'SW1A 1AA',
      city: 'Saint Louis',
      country: 'DE',
      metadata: '{"a":1}',
    });
  });

  it.each<[keyof ProfileInput, string]>([
    ['first_name', 'Jean-Luc'],
    ['first_name', 'Zoë'],
    ['first_name', 'Σωκράτης'],
    ['first_name', '李小龍'],
    ['first_name', 'Anne_Marie'], // connector punctuation is a word character, as in Ruby
    ['last_name', 'Smith 3rd'],
    ['dob', '2025-06-15'], // today
    ['dob', '1900-01-01'],
    ['address', '1/2 Main St., Apt #3; "A" & B (rear): north–side ~\\'],
    ['postcode', '75001'],
    ['postcode', 'AB'],
    ['city', 'Saint–Étienne'],
    ['city', 'St. Louis'],
    ['country', 'fr'],
    ['country', 'FRA'],
    ['metadata', '[]'],
  ])('%s %j is accepted', (field, value) => {
    expect(normalise({ [field]: value }).errors).toEqual([]);
  });

  it.each<[keyof ProfileInput, string, string]>([
    ['first_name', 'John<script>', 'first_name.invalid'],
    ['first_name', 'John.', 'first_name.invalid'],
    ['last_name', 'x'.repeat(256), 'last_name.too_long'],
    ['last_name', 'Smith!', 'last_name.invalid'],
    ['dob', '2025-06-16', 'dob.invalid'], // tomorrow
    ['dob', '2999-01-01', 'dob.invalid'],
    ['dob', '1990-02-30', 'dob.invalid_format'],
    ['dob', '17.05.1990', 'dob.invalid_format'],
    ['dob', 'yesterday', 'dob.invalid_format'],
    ['address', 'Main street <b>', 'address.invalid'],
    ['address', 'a'.repeat(256), 'address.too_long'],
    ['postcode', 'A', 'postcode.too_short'],
    ['postcode', '75001!', 'postcode.invalid'],
    ['city', 'Paris$', 'city.invalid'],
    ['city', 'c'.repeat(256), 'city.too_long'],
    ['country', 'XX', 'country.invalid'],
    ['country', 'Germany', 'country.invalid'],
    ['metadata', '{', 'metadata.invalid_format'],
  ])('%s %j → %s, and the value is not kept', (field, value, key) => {
    const { values, errors } = normalise({ [field]: value });
    expect(errors).toEqual([key]);
    expect(values).toEqual({});
  });

  it('allows 255 characters, counted as characters, not UTF-16 units', () => {
    expect(normalise({ first_name: '李'.repeat(255) }).errors).toEqual([]);
    expect(normalise({ first_name: '𝒜'.repeat(255) }).errors).toEqual([]);
    expect(normalise({ first_name: '李'.repeat(256) }).errors).toEqual(['first_name.too_long']);
  });

  it('counts the length after squishing', () => {
    expect(normalise({ city: ` ${'c'.repeat(250)}          ${'d'.repeat(4)} ` }).values.city).toHaveLength(255);
  });

  it('reports every problem at once, in field order, and keeps the good fields', () => {
    const { values, errors } = normalise({
      metadata: '{',
      country: 'XX',
      city: 'Paris$',
      postcode: 'A',
      address: '<b>',
      dob: '2999-01-01',
      last_name: 'Smith!',
      first_name: 'Jean',
    });
    expect(errors).toEqual([
      'last_name.invalid',
      'dob.invalid',
      'address.invalid',
      'postcode.too_short',
      'city.invalid',
      'country.invalid',
      'metadata.invalid_format',
    ]);
    expect(values).toEqual({ first_name: 'Jean' });
  });

  it('is idempotent: the values it keeps pass again unchanged', () => {
    const field = fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: undefined });
    const profile = fc.record({
      first_name: field,
      last_name: field,
      dob: fc.option(fc.constantFrom('1990-05-17', '2025-06-15', '2025-06-16', '1990-02-30', ' 2000-01-01 '), {
        nil: undefined,
      }),
      address: field,
      postcode: field,
      city: field,
      country: fc.option(fc.constantFrom('de', ' FRA ', 'xx', 'us'), { nil: undefined }),
      metadata: fc.option(fc.json(), { nil: undefined }),
    });
    fc.assert(
      fc.property(profile, (input) => {
        const { values } = normalise(input);
        expect(normalise(values)).toEqual({ values, errors: [] });
      }),
    );
  });
});
