/**
 * Phone numbers as Barong keeps them: parsed as international numbers, strictly valid (full
 * metadata, so the number pattern of its region must match, not only its length), stored as digits only,
 * `<country calling code><national number>`, and sent to Twilio as `+<digits>`.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface PhoneNumber {
  /** `12025550143`: what is stored (encrypted) and blind-indexed. */
  digits: string;
  /** `+12025550143`: what Twilio gets. */
  e164: string;
  /** ISO 3166 alpha-2 region of the number (`US`). */
  country: string;
}

/**
 * Barong parity: a number without a leading `+` is read as international (`12025550143` = `+1 202…`), as
 * Phonelib does without a default country. Spaces, dots, dashes and brackets are ignored.
 * Non-geographic numbers (+800, +882 …) have no region and are refused: they cannot take an SMS.
 */
export function parsePhoneNumber(input: string): PhoneNumber | undefined {
  const trimmed = input.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  const digitsIn = trimmed.replace(/\D/g, '');
  if (digitsIn.length < 4 || digitsIn.length > 17) return undefined;
  const parsed = parsePhoneNumberFromString(`+${digitsIn}`);
  if (!parsed || !parsed.isValid() || !parsed.country) return undefined;
  const digits = `${parsed.countryCallingCode}${parsed.nationalNumber}`;
  return { digits, e164: `+${digits}`, country: parsed.country };
}
