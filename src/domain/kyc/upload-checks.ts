/**
 * Checks on uploaded KYC files: the extension (when the file name has one), the declared content type and the
 * file's own magic bytes must all agree on one allowed type, and the size must be 1 byte..the configured maximum.
 * Barong checks the extension only (CarrierWave); a renamed executable passes there, not here.
 */
import { fileTypeFromBuffer } from 'file-type';
import { FILE_TYPES_BY_EXTENSION } from '../../lib/storage/served-file.js';
import type { ErrorKey } from '../../errors/error-keys.js';

/** One uploaded file as the API layer hands it over. */
export interface UploadedFile {
  originalName: string;
  /** The content type the client declared for the part. */
  mimeType: string;
  bytes: Buffer;
}

/** A file that passed: its canonical extension and content type, as recognised from its bytes. */
export interface CheckedFile extends UploadedFile {
  extension: string;
  contentType: string;
}

/** Content types some clients send for the same thing. */
const MIME_ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
};

export interface UploadRules {
  extensions: string[];
  maxBytes: number;
}

function extensionOf(name: string): string | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(name);
  return match?.[1]?.toLowerCase();
}

function normalisedMime(type: string): string {
  const bare = type.split(';')[0]!.trim().toLowerCase();
  return MIME_ALIASES[bare] ?? bare;
}

export type FileCheck = { ok: true; file: CheckedFile } | { ok: false; key: ErrorKey };

/** Error keys follow CarrierWave's message names under `upload.` (Barong reports `upload.<message>`). */
export async function checkUpload(file: UploadedFile, rules: UploadRules): Promise<FileCheck> {
  const allowedMimes = new Set(rules.extensions.map((e) => FILE_TYPES_BY_EXTENSION[e]).filter(Boolean));
  if (file.bytes.length < 1) return { ok: false, key: 'upload.min_size_error' };
  if (file.bytes.length > rules.maxBytes) return { ok: false, key: 'upload.max_size_error' };
  const nameExtension = extensionOf(file.originalName);
  if (nameExtension !== undefined && !rules.extensions.includes(nameExtension)) {
    return { ok: false, key: 'upload.extension_whitelist_error' };
  }
  const declared = normalisedMime(file.mimeType);
  if (!allowedMimes.has(declared)) return { ok: false, key: 'upload.content_type_whitelist_error' };
  const sniffed = await fileTypeFromBuffer(file.bytes);
  const actual = sniffed ? normalisedMime(sniffed.mime) : undefined;
  const nameMime = nameExtension ? FILE_TYPES_BY_EXTENSION[nameExtension] : declared;
  if (!actual || actual !== declared || actual !== nameMime) return { ok: false, key: 'upload.integrity_error' };
  const extension = actual === 'image/jpeg' ? 'jpg' : actual === 'image/tiff' ? 'tif' : sniffed!.ext;
  return { ok: true, file: { ...file, extension, contentType: actual } };
}
