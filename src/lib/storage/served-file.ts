/**
 * How a stored file is handed out (docs/parity.md#downloads-not-pages): always as a download, and only ever as one
 * of a few image and PDF types, taken from the file's own bytes (or, for a presigned link, from the key's
 * extension, which the server chose from those bytes). Anything else, HTML and SVG above all, is
 * application/octet-stream, so a KYC upload can never run as a page in a browser.
 */
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';

/** The file types KYC uploads may have, by extension; the only types a stored file is ever served as. */
export const FILE_TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
};

export const OPAQUE_TYPE = 'application/octet-stream';

const SERVABLE = new Set(Object.values(FILE_TYPES_BY_EXTENSION));

/** The type the bytes show, when it is one a file may be served as. */
export async function servedTypeOfBytes(bytes: Buffer): Promise<string> {
  const sniffed = (await fileTypeFromBuffer(bytes))?.mime;
  return sniffed && SERVABLE.has(sniffed) ? sniffed : OPAQUE_TYPE;
}

/** The type a key's extension names, when it is one a file may be served as. */
export function servedTypeOfKey(key: string): string {
  const extension = path.posix.extname(key).slice(1).toLowerCase();
  return FILE_TYPES_BY_EXTENSION[extension] ?? OPAQUE_TYPE;
}

/** Safe storage keys (isSafeKey) hold no quote, backslash or control character, so the name needs no escaping. */
export function attachmentDisposition(key: string): string {
  return `attachment; filename="${path.posix.basename(key)}"`;
}

/** What the local file route answers with besides the type and disposition. */
export const SERVED_FILE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'private, no-store',
  'X-Content-Type-Options': 'nosniff',
  // Opened anyway (a PDF viewer, a direct link), it runs in an opaque origin without scripts.
  'Content-Security-Policy': 'sandbox',
};
