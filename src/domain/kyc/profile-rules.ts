/**
 * Profile fields, as Barong's model checks them.
 * Names, city and postcode are squished; every field is optional; a blank
 * value counts as not given. Errors are Barong's model keys (`first_name.invalid`, `dob.invalid`, …) in field order.
 */
import validator from 'validator';
import type { operations } from '../../generated/api.js';
import { charLength, isCalendarDate, metadataError, squish, todayUtc } from './kyc-fields.js';
import type { ErrorKey } from '../../errors/error-keys.js';

/** A profile create or update body as the contract gives it (the update body has the same fields). */
export type ProfileRequest = NonNullable<operations['createProfile']['requestBody']>['content']['application/json'];

/** The profile's own fields of a request (`confirm` is an instruction, not a field). */
export type ProfileInput = Omit<ProfileRequest, 'confirm'>;

/** The cleaned values; a key is present only when the client gave a non-blank value. */
export type ProfileValues = Partial<Record<keyof ProfileInput, string>>;

// Ruby's [[:word:]]: letters, marks, numbers and connector punctuation.
const WORD = '\\p{L}\\p{M}\\p{N}\\p{Pc}';
const NAME = new RegExp(`^[${WORD}\\s\\-']+$`, 'u');
const CITY = new RegExp(`^[${WORD}\\s\\-–.~']+$`, 'u');
const POSTCODE = new RegExp(`^[${WORD}\\s\\-]+$`, 'u');
const ADDRESS = new RegExp(`^[${WORD}\\s\\-–,.~;/:#"\\\\&')(]+$`, 'u');
const MAX = 255;
/** The free-text fields, checked for length and characters. */
type TextField = 'first_name' | 'last_name' | 'address' | 'postcode' | 'city';

function textError(field: TextField, value: string, pattern: RegExp, min = 1): ErrorKey | undefined {
  if (charLength(value) < min) return `${field}.too_short`;
  if (charLength(value) > MAX) return `${field}.too_long`;
  return pattern.test(value) ? undefined : `${field}.invalid`;
}

function dobError(dob: string, today: string): ErrorKey | undefined {
  if (!isCalendarDate(dob)) return 'dob.invalid_format';
  return dob > today ? 'dob.invalid' : undefined;
}

function countryCode(country: string): string | undefined {
  const upper = country.toUpperCase();
  return validator.isISO31661Alpha2(upper) || validator.isISO31661Alpha3(upper) ? upper : undefined;
}

export function normaliseProfile(input: ProfileInput, now = new Date()): { values: ProfileValues; errors: ErrorKey[] } {
  const values: ProfileValues = {};
  const errors: ErrorKey[] = [];
  const given = (name: keyof ProfileInput, squished: boolean): string | undefined => {
    const raw = input[name];
    if (typeof raw !== 'string') return undefined;
    const value = squished ? squish(raw) : raw.trim();
    return value === '' ? undefined : value;
  };
  const check = (name: keyof ProfileInput, value: string | undefined, error: (v: string) => ErrorKey | undefined) => {
    if (value === undefined) return;
    const problem = error(value);
    if (problem) errors.push(problem);
    else values[name] = value;
  };

  check('first_name', given('first_name', true), (v) => textError('first_name', v, NAME));
  check('last_name', given('last_name', true), (v) => textError('last_name', v, NAME));
  check('dob', given('dob', false), (v) => dobError(v, todayUtc(now)));
  check('address', given('address', false), (v) => textError('address', v, ADDRESS));
  check('postcode', given('postcode', true), (v) => textError('postcode', v, POSTCODE, 2));
  check('city', given('city', true), (v) => textError('city', v, CITY));
  const country = given('country', true);
  if (country !== undefined) {
    const code = countryCode(country);
    if (code) values.country = code;
    else errors.push('country.invalid');
  }
  check('metadata', given('metadata', false), metadataError);
  return { values, errors };
}
