import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, errorBody } from '../../errors/app-error.js';
import { httpStatusKey, type ErrorKey } from '../../errors/error-keys.js';
import type { Logger } from '../../lib/logger.js';
import { mapValidationFailure, type ValidatorDetail } from './validation-errors.js';
import type { Json } from '../../lib/json.js';
import { ManagementRefusal } from '../../domain/management/signed-request.js';
import { managementErrorBody, managementStatus } from '../management/management-errors.js';
import { isDatabaseUnavailable } from '../../db/mysql-errors.js';
import { isRedisUnavailable } from '../../lib/redis.js';

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
  // An outage, not a fault of this request: clients and load balancers may retry, and the process stays up.
  if (isDatabaseUnavailable(err)) return new AppError(503, 'server.database_unavailable', { cause: err });
  // Sessions, API-key nonces and rate limits live in Redis: without it nothing can be let through (fail closed).
  if (isRedisUnavailable(err)) return new AppError(503, 'server.redis_unavailable', { cause: err });
  // The router could not percent-decode a path parameter: such a path names no route, like any other misspelling.
  if (err instanceof URIError && (err as HttpLikeError).status === 400)
    return new AppError(404, 'route.not_found', { cause: err });
  const e = (err ?? {}) as HttpLikeError;
  const status = e.status ?? e.statusCode;
  if (!status || status >= 500) return undefined;
  if (Array.isArray(e.errors) && (status === 400 || status === 422)) {
    const info = req.openapi?.schema
      ? {
          operation: req.openapi.schema as Json,
          contentType: String(req.headers?.['content-type'] ?? '').split(';')[0],
        }
      : undefined;
    return mapValidationFailure(e.errors, info, { body: req.body, query: req.query, params: req.params });
  }
  return new AppError(status, STATUS_KEYS[status] ?? httpStatusKey(status), { cause: err });
}

/** `managementBase`: paths under it answer in the management API's format (`{"error": "…"}`). */
export function errorHandler(logger: Logger, managementBase?: string): ErrorRequestHandler {
  const isManagement = (url: string) =>
    managementBase !== undefined &&
    (url === managementBase || url.startsWith(`${managementBase}/`) || url.startsWith(`${managementBase}?`));
  return (err, req, res, _next) => {
    const management = isManagement(req.originalUrl);
    if (err instanceof ManagementRefusal) {
      if (err.reason) logger.info({ path: req.path, reason: err.reason }, `management API: ${err.message}`);
      res.status(err.status).json({ error: err.message });
      return;
    }
    const appError = toAppError(err, req);
    if (appError) {
      if (appError.status === 503) logger.warn({ err, path: req.path }, appError.message);
      if (appError.status === 405 && (err as Json).headers?.Allow) res.setHeader('Allow', (err as Json).headers.Allow);
      res.set(appError.headers);
      if (management) res.status(managementStatus(appError)).json(managementErrorBody(appError));
      else res.status(appError.status).json(appError.body);
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error'); // never the query: it may hold secrets
    if (res.headersSent) return;
    res.status(500).json(management ? { error: 'Internal Server Error' } : errorBody('server.internal_error'));
  };
}

/** Through the error handler, so each API answers a missing route in its own format. */
export const routeNotFound: RequestHandler = (_req, _res, next) => {
  next(new AppError(404, 'route.not_found'));
};
