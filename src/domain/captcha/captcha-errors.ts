/** Barong's captcha answers (400 required or malformed, 422 failed) and the shape checks every provider shares. */
import { badRequest, unprocessable, type AppError } from '../../errors/app-error.js';
import type { CaptchaEndpoint } from './captcha.js';

export const captchaRequired = (): AppError => badRequest('identity.captcha.required');
export const captchaMandatoryFields = (): AppError => badRequest('identity.captcha.mandatory_fields');
export const captchaFailed = (): AppError => unprocessable('identity.captcha.verification_failed');

/**
 * A response of a type the configured captcha cannot read (an object for reCAPTCHA, a string or an array for
 * GeeTest). Login answers with Barong's own key for it (`types: [String, Hash], message:
 * 'identity.session.invalid_captcha_format'`); Barong's other endpoints have no such key, so they fail the check.
 */
export function captchaWrongFormat(endpoint: CaptchaEndpoint): AppError {
  return endpoint === 'session_create' ? unprocessable('identity.session.invalid_captcha_format') : captchaFailed();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ruby's `blank?` as Barong applies it to the response: absent, whitespace-only, or an empty hash or array. */
export function isBlank(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}
