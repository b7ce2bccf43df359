/**
 * What every answer gets before any route runs: a request id (also in each log line of the request), security
 * headers, and the cross-origin policy of the contract's API.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import corsMiddleware from 'cors';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../lib/logger.js';
import { runWithLogContext } from '../../lib/log-context.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * A gateway's or client's id is kept so one request can be followed across services; anything that could break a
 * log line or a header (control characters, spaces, non-ASCII, a flood of bytes) is replaced rather than echoed.
 */
const SANE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Names the request, answers with its id, and serves the rest of it inside its log context. */
const identifyRequest: RequestHandler = (req, res, next) => {
  const id = requestIdOf(req.headers['x-request-id']);
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  runWithLogContext({ reqId: id, uid: () => req.auth?.user?.uid }, next);
};

export function requestLogging(logger: Logger): RequestHandler[] {
  // pino-http logs every answer, failed ones too, at info (its default level; the error handler logs failures with
  // their cause at error): below info it would only make a child logger and listeners per request, for nothing.
  if (!logger.isLevelEnabled('info')) return [identifyRequest];
  const log = pinoHttp({
    logger,
    // The gateway authorizer answers every request of the exchange; logging each would cost more than deciding it.
    autoLogging: {
      ignore: (req) => req.url === '/metrics' || /^\/api\/v2\/(barong\/)?auth(\/|$|\?)/.test(req.url ?? ''),
    },
    // Query strings can carry secrets (DELETE /users/me?password=…, signed upload links): log the path only.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
    },
  }) as RequestHandler;
  return [identifyRequest, log];
}

/**
 * helmet's defaults, narrowed for an API that answers JSON and stored files: nothing it serves runs scripts or
 * belongs in a frame, and a front end on a sibling subdomain may still show a user's uploaded document.
 */
export const securityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-site' },
  frameguard: { action: 'deny' },
});

/**
 * Barong's CORS settings on the contract's API. A preflight is answered here, for any origin (a refused one just
 * gets no `Access-Control-Allow-Origin`), so it never reaches the router or the contract validator. The gateway
 * authorizer is left out: a gateway forwards the client's own OPTIONS requests there to be authorized.
 */
export function crossOrigin(config: Config, isGatewayPath: (path: string) => boolean): RequestHandler {
  const policy = corsMiddleware({
    origin: config.cors.origins,
    credentials: config.cors.allowCredentials,
    maxAge: config.cors.maxAge,
    exposedHeaders: [REQUEST_ID_HEADER, 'Total', 'Page', 'Per-Page'],
  });
  return (req, res, next) => (isGatewayPath(req.path) ? next() : policy(req, res, next));
}
