/**
 * Barong's management transport, ahead of every management route: only POST and PUT (405), no query string (400),
 * a JSON body (400), which must parse (400 "Couldn't parse JWT."). Each operation's guard then opens the signed
 * request for its scope (management-guard.ts). Errors of the management API are Barong's `{"error": "…"}`; with no
 * management configuration every management path answers 404, so the API does not exist until an operator trusts
 * a signer.
 */
import express, { type Request, type RequestHandler } from 'express';
import { ManagementRefusal, CANNOT_PARSE } from '../../domain/management/signed-request.js';

export const MANAGEMENT_DISABLED = 'The management API is not configured.';

/**
 * Base64 documents travel inside signed requests, so the largest upload is encoded twice: base64 in `data`, and the
 * whole payload base64url in the JWS (16/9 of its size); room for that and the envelope. A file a little over the
 * limit still reaches the upload checks, which name the limit.
 */
export function managementBodyLimit(maxUploadBytes: number): number {
  return Math.ceil((maxUploadBytes * 16) / 9) + 64 * 1024;
}

/** Barong compares the whole header: `application/json; charset=utf-8` is refused too. */
const isJson = (req: Request) => req.get('content-type') === 'application/json';

export function managementTransport(options: { enabled: boolean; bodyLimit: number }): RequestHandler[] {
  const json = express.json({ limit: options.bodyLimit, type: () => true, strict: true });
  const checks: RequestHandler = (req, _res, next) => {
    if (!options.enabled) throw new ManagementRefusal(404, MANAGEMENT_DISABLED);
    if (req.method !== 'POST' && req.method !== 'PUT')
      throw new ManagementRefusal(405, 'Only POST and PUT verbs are allowed.');
    if (req.originalUrl.includes('?')) throw new ManagementRefusal(400, 'Query parameters are not allowed.');
    if (!isJson(req)) throw new ManagementRefusal(400, 'Only JSON body is accepted.');
    next();
  };
  const parse: RequestHandler = (req, res, next) =>
    json(req, res, (err?: unknown) => {
      if (!err) return next();
      const status = (err as { status?: number }).status;
      next(
        new ManagementRefusal(status === 413 ? 413 : 400, status === 413 ? 'Request body is too large.' : CANNOT_PARSE),
      );
    });
  return [checks, parse];
}
