/** Small field rules shared by profiles and documents: squished text, calendar dates, JSON metadata. */

import type { ErrorKey } from '../../errors/error-keys.js';

/** Trims and collapses inner whitespace, as Rails' `squish`. */
export function squish(value: string): string {
  return value.trim().replace(/\s+/gu, ' ');
}

/** The number of characters (code points), as Ruby's String#length counts them. */
export function charLength(value: string): number {
  return [...value].length;
}

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** Today's date in UTC, YYYY-MM-DD (dates compare as strings). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export const METADATA_MAX_BYTES = 65_535;

/** `metadata` is a JSON string (any JSON value, as Barong parses it) that fits its TEXT column. */
export function metadataError(metadata: string): ErrorKey | undefined {
  if (Buffer.byteLength(metadata, 'utf8') > METADATA_MAX_BYTES) return 'metadata.too_long';
  try {
    JSON.parse(metadata);
    return undefined;
  } catch {
    return 'metadata.invalid_format';
  }
}
