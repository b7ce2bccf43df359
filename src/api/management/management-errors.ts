/**
 * The management API answers errors as Barong's Grape API does: `{"error": "<message>"}`, validation failures as
 * Grape's English ("uid is missing, uid is empty"), a missing record as "Record is not found".
 */
import type { AppError } from '../../errors/app-error.js';

const GRAPE_WORDING: Record<string, string> = {
  missing: 'is missing',
  empty: 'is empty',
  invalid: 'is invalid',
  non_integer: 'is invalid',
  non_positive: 'is invalid',
};

const KEY_MESSAGES: Record<string, string> = {
  'record.not_found': 'Record is not found',
  'route.not_found': 'Not Found',
  'route.method_not_allowed': 'Only POST and PUT verbs are allowed.',
  'request.payload_too_large': 'Request body is too large.',
  'request.unsupported_media_type': 'Only JSON body is accepted.',
  'server.internal_error': 'Internal Server Error',
  'server.not_implemented': 'Not Implemented',
  'server.database_unavailable': 'Service Unavailable',
  'server.redis_unavailable': 'Service Unavailable',
  // otp/sign spends the resource API's budget of TOTP attempts.
  'resource.otp.too_many_attempts': 'Too many OTP attempts',
  // A user imported from Barong whose codes Vault checks: no Vault here, or Vault not answering (Barong's wording).
  'resource.otp.reenrol_required': '2FA must be re-enrolled through support',
  'resource.otp.verify_first': 'a code of the current authenticator must be verified first',
  'resource.otp.vault_unavailable': '2FA server is under maintenance',
};

/** Parameters Barong declares with a message of their own for a value of the wrong type. */
const OWN_MESSAGES: Record<string, string> = {
  doc_expire: 'management.documents.expire_not_a_date',
  update_labels: 'management.documents.update_labels_inalid', // sic
  extended: 'Non boolean extended value',
  // Barong's users/list says `Non positive page` here (docs/parity.md#management-range-message).
  range: 'Invalid range',
};

/** Barong's pagination helper names its keys as the messages: `page non_positive_page`. */
const PAGINATION = /^(?:non_integer_page|non_positive_page|non_integer_limit|invalid_limit)$/;

function message(key: string): string {
  if (PAGINATION.test(key)) return `${key.slice(key.lastIndexOf('_') + 1)} ${key}`;
  const validation = /(?:^|\.)(missing|empty|invalid|non_integer|non_positive)_([a-z0-9_]+)$/.exec(key);
  if (validation) {
    const problem = validation[1]!;
    const param = validation[2]!;
    const own = problem === 'missing' || problem === 'empty' ? undefined : OWN_MESSAGES[param];
    return `${param} ${own ?? GRAPE_WORDING[problem]}`;
  }
  return KEY_MESSAGES[key] ?? key;
}

export function managementErrorBody(err: Pick<AppError, 'keys'>): { error: string } {
  return { error: err.keys.map(message).join(', ') };
}

/** Grape answers every parameter failure 422, where the resource API's contract has some as 400. */
export function managementStatus(err: Pick<AppError, 'keys' | 'status'>): number {
  const validation = err.keys.every((key) =>
    /(?:^|\.)(missing|empty|invalid|non_integer|non_positive)_[a-z0-9_]+$/.test(key),
  );
  return err.status === 400 && validation ? 422 : err.status;
}
