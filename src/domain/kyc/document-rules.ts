/**
 * Document fields. Two kinds of failure, reported as Barong does: request-level checks with
 * their own keys (`resource.documents.*`, checked first), then model checks with `<field>.<code>` keys.
 */
import { charLength, isCalendarDate, metadataError, todayUtc } from './kyc-fields.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export const DOC_CATEGORIES = ['front_side', 'back_side', 'selfie'];
const DOC_NUMBER = /^[A-Za-z0-9\-\s]+$/;
const DOC_NUMBER_MAX = 128;
const IDENTIFICATOR_MAX = 64;

export interface DocumentInput {
  docType: string;
  docNumber?: string;
  docExpire?: string;
  docCategory?: string;
  identificator?: string;
  metadata?: string;
}

export interface DocumentRules {
  types: string[];
  requireExpiry: boolean;
}

/** Expiry and category: Barong's explicit endpoint checks, each answering alone. */
export function requestError(input: DocumentInput, rules: DocumentRules, now = new Date()): ErrorKey | undefined {
  const expire = input.docExpire?.trim() || undefined;
  if (rules.requireExpiry) {
    if (!expire || !/^\d{4}-\d{2}-\d{2}$/.test(expire)) return 'resource.documents.invalid_format';
    if (!isCalendarDate(expire)) return 'resource.documents.expire_not_a_date';
    if (expire < todayUtc(now)) return 'resource.documents.already_expired';
  } else if (expire && !isCalendarDate(expire)) {
    return 'resource.documents.expire_not_a_date';
  }
  if (input.docCategory !== undefined && input.docCategory !== '' && !DOC_CATEGORIES.includes(input.docCategory)) {
    return 'resource.documents.doc_category';
  }
  return undefined;
}

/** Model checks on the fields every document of the batch shares. `docNumber` is optional for addresses. */
export function modelErrors(input: DocumentInput, rules: DocumentRules, numberRequired: boolean): ErrorKey[] {
  const errors: ErrorKey[] = [];
  if (!input.docType) errors.push('doc_type.blank');
  else if (!rules.types.includes(input.docType)) errors.push('doc_type.inclusion');
  const number = input.docNumber?.trim();
  if (!number) {
    if (numberRequired) errors.push('doc_number.blank');
  } else if (charLength(number) > DOC_NUMBER_MAX) errors.push('doc_number.too_long');
  else if (!DOC_NUMBER.test(number)) errors.push('doc_number.invalid');
  if (input.identificator && charLength(input.identificator) > IDENTIFICATOR_MAX) errors.push('identificator.too_long');
  const metadata = input.metadata?.trim();
  if (metadata) {
    const problem = metadataError(metadata);
    if (problem) errors.push(problem);
  }
  return errors;
}

/**
 * The document model's own checks of `doc_expire`, where the request-level ones above do not run (documents the
 * exchange's services push): required while the configuration says so, and not past. The format was checked with the
 * request's other parameters.
 */
export function expiryErrors(docExpire: string | null | undefined, rules: DocumentRules, now = new Date()): ErrorKey[] {
  const expire = docExpire?.trim();
  if (!expire) return rules.requireExpiry ? ['doc_expire.blank'] : [];
  return expire < todayUtc(now) ? ['doc_expire.invalid'] : [];
}
