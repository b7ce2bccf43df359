/**
 * Barong's management endpoints answer a record's failed checks with Rails' full messages (`Email is invalid`,
 * `Role doesnt_exist`, `Doc type is not included in the list`) where the other APIs answer the `<attribute>.<check>`
 * keys the domain raises; this turns the one into the other. A check Rails has no sentence for is a code Barong
 * added itself, and its full message is the code after the attribute, as Rails writes it.
 */
import { AppError } from '../../errors/app-error.js';
import { ManagementRefusal } from '../../domain/management/signed-request.js';

const RAILS: Record<string, string> = {
  blank: "can't be blank",
  invalid: 'is invalid',
  taken: 'has already been taken',
  inclusion: 'is not included in the list',
  too_long: 'is too long',
  too_short: 'is too short',
};

/** What the messages of an upload's checks name. */
export interface UploadFacts {
  extension: string;
  allowed: string[];
  maxBytes: number;
}

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
};

const characters = (n: number) => `${n} character${n === 1 ? '' : 's'}`;

/** `is too short (minimum is 3 characters)`, where the attribute's bounds are known. */
function lengthMessage(attribute: string, check: string): string | undefined {
  const bounds = LENGTHS[attribute];
  if (check === 'too_short' && bounds?.min !== undefined) return `is too short (minimum is ${characters(bounds.min)})`;
  if (check === 'too_long' && bounds?.max !== undefined) return `is too long (maximum is ${characters(bounds.max)})`;
  return undefined;
}

const size = (bytes: number) => (bytes % 1048576 === 0 ? `${bytes / 1048576} MB` : `${bytes} Bytes`);

/** Barong's own wording for some checks (its document model, CarrierWave's upload checks). */
function ownMessage(key: string, upload?: UploadFacts): string | undefined {
  const notAllowed =
    upload && `You are not allowed to upload "${upload.extension}" files, allowed types: ${upload.allowed.join(', ')}`;
  const messages: Record<string, string | undefined> = {
    'doc_number.invalid': 'only allows letters and digits',
    'doc_number.too_long': 'is too long (maximum is 128 characters)',
    'upload.extension_whitelist_error': notAllowed,
    // The declared type is the name's: a name without an allowed extension.
    'upload.content_type_whitelist_error': notAllowed,
    'upload.integrity_error': 'is not of an allowed file type',
    'upload.max_size_error': upload && `File size should be less than ${size(upload.maxBytes)}`,
    'upload.min_size_error': 'File size should be greater than 1 Byte',
    // The profile model's own messages.
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
  return messages[key];
}

export function fullMessage(key: string, upload?: UploadFacts): string {
  const dot = key.lastIndexOf('.');
  const attribute = key.slice(0, dot).replaceAll('_', ' ');
  const check = key.slice(dot + 1);
  const message = ownMessage(key, upload) ?? lengthMessage(key.slice(0, dot), check) ?? RAILS[check] ?? check;
  return `${attribute.charAt(0).toUpperCase()}${attribute.slice(1)} ${message}`;
}

/** Rails' Array#to_sentence: `a`, `a and b`, `a, b, and c`. */
function toSentence(parts: string[]): string {
  if (parts.length < 3) return parts.join(' and ');
  return `${parts.slice(0, -1).join(', ')}, and ${parts.at(-1)}`;
}

/**
 * Runs `work`; a record's failed checks (422) become one message: joined with ", " as the contract's error body
 * joins a list, or `sentence` as Barong's document upload writes them.
 */
export async function withModelMessages<T>(
  work: () => Promise<T>,
  options: { sentence?: boolean; upload?: UploadFacts } = {},
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 422) throw err;
    const messages = err.keys.map((key) => fullMessage(key, options.upload));
    throw new ManagementRefusal(
      422,
      options.sentence ? toSentence(messages) : messages.join(', '),
      err.keys.join(', '),
    );
  }
}
