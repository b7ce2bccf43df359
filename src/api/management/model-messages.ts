/**
 * Barong's management endpoints answer a model's failed validations as Rails writes them (`full_messages`):
 * "Email is invalid", "Key is too short (minimum is 3 characters)". The domain reports them as model error keys
 * (`email.invalid`); an operation that answers Rails' messages runs its work through `withFullMessages`.
 * A code Barong adds without a message of its own is written as the code (`Role doesnt_exist`).
 */
import { AppError } from '../../errors/app-error.js';
import { MODEL_ERRORS, type ErrorKey } from '../../errors/error-keys.js';
import { ManagementRefusal } from '../../domain/management/signed-request.js';

/** Rails' default messages. */
const RAILS: Record<string, string> = {
  blank: "can't be blank",
  invalid: 'is invalid',
  taken: 'has already been taken',
  inclusion: 'is not included in the list',
  exclusion: 'is reserved',
};

/** Each attribute's length bounds, which Rails' length messages name. */
const LENGTHS: Record<string, { min?: number; max?: number }> = {
  key: { min: 3, max: 255 },
  value: { min: 3, max: 255 },
  first_name: { min: 1, max: 255 },
  last_name: { min: 1, max: 255 },
  address: { min: 1, max: 255 },
  city: { min: 1, max: 255 },
  postcode: { min: 2, max: 255 },
  data: { max: 1024 },
  metadata: { max: 65_535 },
};

/** The messages Barong's models give their own checks. */
const OWN: Partial<Record<string, string>> = {
  'first_name.invalid': `only allows letters, digits "-", "'", and space`,
  'last_name.invalid': `only allows letters, digits "-", "'", and space`,
  'city.invalid': `only allows letters, digits "-", "–", "'", ".", "~" and space`,
  'postcode.invalid': 'only allows letters, digits, "-" and space',
  'address.invalid': `only allows letters, digits "-", "–", "'", ".", ",", "#", ":", ";", "&" and space`,
  'country.invalid': 'must have alpha2 or alpha3 format',
  'dob.invalid': 'cant be in future',
  'dob.invalid_format': 'invalid date format',
  'state.exists': 'already exists',
};

const characters = (n: number | undefined) => `${n} character${n === 1 ? '' : 's'}`;

function lengthMessage(attribute: string, check: string): string | undefined {
  const bounds = LENGTHS[attribute];
  if (check === 'too_short') return `is too short (minimum is ${characters(bounds?.min)})`;
  if (check === 'too_long') return `is too long (maximum is ${characters(bounds?.max)})`;
  return undefined;
}

function isModelError(key: string): boolean {
  const [attribute, check, ...rest] = key.split('.');
  const checks = (MODEL_ERRORS as Record<string, readonly string[]>)[attribute ?? ''];
  return rest.length === 0 && Boolean(checks?.includes(check ?? ''));
}

/** `first_name.too_long` → "First name is too long (maximum is 255 characters)". */
export function fullMessage(key: ErrorKey): string {
  const [attribute = '', check = ''] = key.split('.');
  const name = attribute.replaceAll('_', ' ');
  const message = OWN[key] ?? RAILS[check] ?? lengthMessage(attribute, check) ?? check;
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${message}`;
}

/** Runs `work`; a 422 of model errors becomes Barong's answer, their full messages joined with ", ". */
export async function withFullMessages<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && err.status === 422 && err.keys.every(isModelError)) {
      throw new ManagementRefusal(422, err.keys.map(fullMessage).join(', '));
    }
    throw err;
  }
}
