/**
 * What an operator may see of a job on the queue dashboard. Job data is shown by allow-list: only fields known to
 * hold nothing personal (the mail template, the SMS provider, the idempotency key …) keep their value; the sealed
 * recipient, number, code and token, and any field a later job kind adds, show as a placeholder. Free text (a
 * failure reason, a stack trace, a log line) can quote what a provider was told, e.g. an SMTP server's
 * `550 <jane@example.com>: Recipient address rejected`: addresses, numbers and tokens in it are masked.
 */

/** The fields of mail and SMS jobs (QueuedMail, SmsJob) that hold nothing personal. */
const SAFE_DATA_FIELDS: ReadonlySet<string> = new Set([
  'template',
  'language',
  'idempotencyKey',
  'provider',
  'channel',
  'challenge',
  'expiresAt',
]);

/** The fields of the workers' results (MailJobResult, SmsJobResult): the outcome and the provider's reference. */
const SAFE_RESULT_FIELDS: ReadonlySet<string> = new Set(['status', 'messageId', 'ref']);

export const SEALED = '[sealed]';
export const REDACTED = '[redacted]';

const MASKS: ReadonlyArray<[RegExp, string]> = [
  // Any local part RFC 5322 allows; no `/` in the domain, so a package path in a stack trace
  // (`node_modules/@scope/pkg/x.js`) is left alone.
  [/[^\s@<>"(),;:]+@[^\s@<>"'(),;:/]+\.[A-Za-z]{2,}/g, '[email]'],
  // JWTs (confirmation and reset links), then any other long run of token characters.
  [/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, '[token]'],
  [/[A-Za-z0-9_-]{32,}/g, '[token]'],
  // An E.164 number as stored, written with or without separators, or a bare run of digits as long as one.
  [/\+\d[\d ().-]{5,}\d/g, '[number]'],
  [/\b\d{9,}\b/g, '[number]'],
];

/** Free text with e-mail addresses, phone numbers and tokens masked. */
export function redactText(text: string): string {
  return MASKS.reduce((out, [pattern, mask]) => out.replace(pattern, mask), text);
}

function allowListed(value: unknown, safe: ReadonlySet<string>): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || Array.isArray(value)) return REDACTED;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, field]) => {
      if (key === 'sealed') return [key, SEALED];
      if (!safe.has(key)) return [key, REDACTED];
      // Shown as they are: an idempotency key (`email_confirmation:<event id>`) would look like a token to redactText.
      return [key, field !== null && typeof field === 'object' ? REDACTED : field];
    }),
  );
}

/** A job's data as the dashboard shows it. */
export function redactJobData(data: unknown): unknown {
  return allowListed(data, SAFE_DATA_FIELDS);
}

/** A finished job's result as the dashboard shows it. */
export function redactReturnValue(value: unknown): unknown {
  return allowListed(value, SAFE_RESULT_FIELDS);
}

/** A job's progress: a number is shown, anything a worker might report beside it is not. */
export function redactProgress(progress: unknown): unknown {
  return typeof progress === 'number' || typeof progress === 'boolean' ? progress : REDACTED;
}
