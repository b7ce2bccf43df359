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
  // Grape writes a parameter's own message after its name.
  non_integer_page: 'page non_integer_page',
  non_positive_page: 'page non_positive_page',
  non_integer_limit: 'limit non_integer_limit',
  invalid_limit: 'limit invalid_limit',
  'request.invalid_extended': 'extended Non boolean extended value',
  'request.invalid_range': 'range Invalid range',
};

function message(key: string): string {
  if (KEY_MESSAGES[key]) return KEY_MESSAGES[key];
  const validation = /(?:^|\.)(missing|empty|invalid|non_integer|non_positive)_([a-z0-9_]+)$/.exec(key);
  if (validation) return `${validation[2]} ${GRAPE_WORDING[validation[1]!]}`;
  return key;
}

export function managementErrorBody(err: Pick<AppError, 'keys'>): { error: string } {
  return { error: err.keys.map(message).join(', ') };
}

/** Grape answers every parameter failure 422, where the resource API's contract has some as 400. */
export function managementStatus(err: Pick<AppError, 'keys' | 'status'>): number {
  const validation = err.keys.every((key) => /(?:^|\.)(missing|empty|invalid|non_integer|non_positive)_[a-z0-9_]+$/.test(key));
  return err.status === 400 && validation ? 422 : err.status;
}
