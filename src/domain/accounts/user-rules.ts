/**
 * The user model's validation, with Barong's `<attribute>.<code>` error keys: all problems at once,
 * attribute by attribute, in the model's order.
 */
import validator from 'validator';
import type { PasswordPolicy } from '../password-policy.js';
import { emailKey } from '../../lib/email-key.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export const DATA_MAX_LENGTH = 1024;
/** users.email and users.email_key; NFC can spell a character with up to three, so the key is checked too. */
const EMAIL_MAX_LENGTH = 255;
const USERNAME = /^[a-zA-Z0-9]+$/;

export function emailErrors(email: string): ErrorKey[] {
  const value = email.trim();
  if (!value) return ['email.blank'];
  if (value.length > EMAIL_MAX_LENGTH || emailKey(value).length > EMAIL_MAX_LENGTH) return ['email.invalid'];
  // Barong's validator accepts dotless domains such as user@localhost.
  return validator.isEmail(value, { require_tld: false, allow_utf8_local_part: true }) ? [] : ['email.invalid'];
}

export function usernameErrors(username: string | undefined): ErrorKey[] {
  if (username === undefined) return [];
  const errors: ErrorKey[] = [];
  if (username.length < 4) errors.push('username.too_short');
  if (username.length > 12) errors.push('username.too_long');
  if (!USERNAME.test(username)) errors.push('username.invalid');
  return errors;
}

export function dataErrors(data: string | undefined): ErrorKey[] {
  if (data === undefined) return [];
  if (data.length > DATA_MAX_LENGTH) return ['data.too_long'];
  try {
    JSON.parse(data);
    return [];
  } catch {
    return ['data.invalid_format'];
  }
}

export async function passwordErrors(
  policy: PasswordPolicy,
  password: string,
  related: string[] = [],
): Promise<ErrorKey[]> {
  if (!password) return ['password.blank'];
  return policy.violations(password, related);
}
