/** Field formats of Barong's entities: timestamps without fractions, masked names, dates and numbers. */

/** ISO-8601 UTC without fractions: `2020-06-01T07:01:20Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoSecondsOrNull(date: Date | null | undefined): string | null {
  return date ? isoSeconds(date) : null;
}

/** Keeps the first letter, one `*` per remaining character (last names). */
export function maskName(value: string | null): string | null {
  if (!value) return value;
  const chars = [...value];
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Keeps `YYYY-MM-` of a date (birth dates): `1990-01-**`. */
export function maskDate(value: string | null): string | null {
  return value ? `${value.slice(0, 8)}**` : value;
}

/** Keeps the country calling code digits and the last 4 (phones): `33*****0471`. */
export function maskPhone(digits: string, callingCode: string): string {
  const keepEnd = Math.min(4, Math.max(0, digits.length - callingCode.length));
  const hidden = digits.length - callingCode.length - keepEnd;
  return callingCode + '*'.repeat(Math.max(0, hidden)) + digits.slice(digits.length - keepEnd);
}

/** Keeps the first 2 and last 2 characters (document numbers): `AA****BB`. */
export function maskDocumentNumber(value: string | null): string | null {
  if (!value || value.length <= 4) return value;
  return value.slice(0, 2) + '*'.repeat(value.length - 4) + value.slice(-2);
}
