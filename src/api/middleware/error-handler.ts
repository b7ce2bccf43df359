import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, errorBody } from '../../errors/app-error.js';
import { httpStatusKey, type ErrorKey } from '../../errors/error-keys.js';
import type { Logger } from '../../lib/logger.js';
import { mapValidationFailure, type ValidatorDetail } from './validation-errors.js';
import type { Json } from '../../lib/json.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  errors?: ValidatorDetail[];
  message?: string;
}

const STATUS_KEYS: Record<number, ErrorKey> = {
  404: 'route.not_found',
  405: 'route.method_not_allowed',
  413: 'request.payload_too_large',
  415: 'request.unsupported_media_type',
};

/**
 * Classifies anything thrown on the way to a handler as an AppError; unknown failures stay 500. Body readers'
 * failures arrive classified already (body-errors.ts).
 */
export function toAppError(err: unknown, req: Json): AppError | undefined {
  if (err instanceof AppError) return err;
  // The router could not percent-decode a path parameter: such a path names no route, like any other misspelling.
  if (err instanceof URIError && (err as HttpLikeError).status === 400) return new AppError(404, 'route.not_found', { cause: err });
  const e = (err ?? {}) as HttpLikeError;
  const status = e.status ?? e.statusCode;
  if (!status || status >= 500) return undefined;
  if (Array.isArray(e.errors) && (status === 400 || status === 422)) {
    const info = req.openapi?.schema
      ? { operation: req.openapi.schema as Json, contentType: String(req.headers?.['content-type'] ?? '').split(';')[0] }
      : undefined;
    return mapValidationFailure(e.errors, info, { body: req.body, query: req.query, params: req.params });
  }
  return new AppError(status, STATUS_KEYS[status] ?? httpStatusKey(status), { cause: err });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err, req);
    if (appError) {
      if (appError.status === 405 && (err as Json).headers?.Allow) res.setHeader('Allow', (err as Json).headers.Allow);
      res.set(appError.headers).status(appError.status).json(appError.body);
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error'); // never the query: it may hold secrets
    if (res.headersSent) return;
    res.status(500).json(errorBody('server.internal_error'));
  };
}

export const routeNotFound: RequestHandler = (_req, res) => {
  res.status(404).json(errorBody('route.not_found'));
};
