/**
 * Reads an operation's request body with the readers of the media types its contract declares, and no other
 * (a type it does not declare stays unread; the validator then answers 415). Mounted per operation behind its
 * access guard and before the validator: who is calling is decided before what they sent is read, and the
 * validator checks what was read. Every reader's failure goes through bodyReadError with the operation's scope.
 */
import express, { type RequestHandler } from 'express';
import multer from 'multer';
import type { Config } from '../../config/index.js';
import { AppError } from '../../errors/app-error.js';
import { validationKey, type ErrorScope } from '../../errors/error-keys.js';
import { errorScopeOf } from '../contract.js';
import { uploadOptions } from '../files/upload-options.js';
import { bodyReadError } from './body-errors.js';
import type { Json } from '../../lib/json.js';

export type BodyReaderFor = (operation: Json) => RequestHandler[];

export const BODY_LIMIT = '1mb';

/**
 * The validator expects each uploaded file's field in the body as a placeholder: one file gives `''`, several an
 * array of `''` (the contract's `upload` is "one file or several"); the files themselves are in `req.files`.
 */
const fileFieldsInBody: RequestHandler = (req, _res, next) => {
  const files = Array.isArray(req.files) ? req.files : [];
  const counts = new Map<string, number>();
  for (const file of files) counts.set(file.fieldname, (counts.get(file.fieldname) ?? 0) + 1);
  for (const [field, count] of counts) req.body[field] = count > 1 ? new Array(count).fill('') : '';
  next();
};

/** RFC 2046: 1 to 70 characters. Busboy reads an empty one as a boundary that never comes, i.e. an empty form. */
const BOUNDARY = /;\s*boundary\s*=\s*(?:"[^"]{1,70}"|[^\s;"]{1,70})\s*(?:;|$)/i;

/** What multer does not check: it does not inflate (a compressed body would reach busboy as noise), nor the boundary. */
function multipartFraming(scope: ErrorScope): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('multipart')) return next();
    const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') throw new AppError(415, 'request.unsupported_encoding');
    if (!BOUNDARY.test(req.get('content-type') ?? '')) throw new AppError(400, validationKey(scope, 'invalid', 'body'));
    next();
  };
}

function withScope(reader: RequestHandler, scope: ErrorScope): RequestHandler {
  return (req, res, next) => reader(req, res, (err?: unknown) => (err ? next(bodyReadError(err, scope)) : next()));
}

export function bodyReaderFor(config: Config): BodyReaderFor {
  const json = express.json({ limit: BODY_LIMIT });
  const form = express.urlencoded({ extended: true, limit: BODY_LIMIT });
  const multipart = multer(uploadOptions(config)).any();
  return (operation) => {
    const declared: Json = operation.requestBody?.content ?? {};
    const scope = errorScopeOf(operation);
    const readers: RequestHandler[] = [];
    if (declared['application/json']) readers.push(withScope(json, scope));
    if (declared['application/x-www-form-urlencoded']) readers.push(withScope(form, scope));
    if (declared['multipart/form-data'])
      readers.push(multipartFraming(scope), withScope(multipart, scope), fileFieldsInBody);
    return readers;
  };
}
