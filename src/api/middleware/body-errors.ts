/**
 * Why a request body could not be read, in Barong's terms, in one place for every reader (JSON, form, multipart).
 * What the server will not read answers 413 (too big, too many parts) or 415 (an encoding or charset it does not
 * decode); anything else the readers stop at (bad JSON, a form nested too deep, broken gzip, multipart without its
 * boundary or its end, a malformed part header …) is a body the client got wrong: 400 `<scope>.invalid_body`, with
 * the operation's `x-error-scope`. Busboy reports its failures as plain Errors with a message only, so "what the
 * reader threw" decides, not the message. A reader's own fault (status 5xx, e.g. a stream read twice) stays a 500.
 */
import { AppError } from '../../errors/app-error.js';
import { validationKey, type ErrorKey, type ErrorScope } from '../../errors/error-keys.js';

interface ReaderError {
  status?: number;
  type?: string;
  code?: string;
  name?: string;
}

const TOO_LARGE = new Set([
  'entity.too.large', // body-parser: over the limit (also after inflating)
  'parameters.too.many', // body-parser urlencoded: more fields than parameterLimit
  'LIMIT_PART_COUNT', // multer (busboy) limits
  'LIMIT_FILE_SIZE',
  'LIMIT_FILE_COUNT',
  'LIMIT_FIELD_KEY',
  'LIMIT_FIELD_VALUE',
  'LIMIT_FIELD_COUNT',
]);

const NOT_DECODED: Record<string, ErrorKey> = {
  'encoding.unsupported': 'request.unsupported_encoding',
  'charset.unsupported': 'request.unsupported_charset',
};

export function bodyReadError(err: unknown, scope: ErrorScope): Error {
  const e = (err ?? {}) as ReaderError;
  const kind = e.type ?? (e.name === 'MulterError' ? e.code : undefined) ?? '';
  if (TOO_LARGE.has(kind)) return new AppError(413, 'request.payload_too_large', { cause: err });
  const notDecoded = NOT_DECODED[kind];
  if (notDecoded) return new AppError(415, notDecoded, { cause: err });
  if ((e.status ?? 400) >= 500) return err instanceof Error ? err : new Error(String(err));
  return new AppError(400, validationKey(scope, 'invalid', 'body'), { cause: err });
}
