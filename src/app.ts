/** createApp(deps): the Express app without listen. Tests and main.ts both build it here. */
import express, { type Express, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import type { Config } from './config/index.js';
import type { Logger } from './lib/logger.js';
import type { Contract } from './api/contract.js';
import type { RouteTable } from './api/types.js';
import { buildRouters, type Guards, type Restrictions } from './api/router.js';
import { trustTrueClientIp } from './api/authz/client-ip.js'; // gateway authorizer: BARONG_GATEWAY=akamai
import { AppError } from './errors/app-error.js';
import { errorHandler, routeNotFound } from './api/middleware/error-handler.js';
import { bodyReaderFor } from './api/middleware/body-readers.js';
import { ROUTING } from './api/routing.js';
import { contractValidator, operationValidator, type ValidatorOptions } from './api/operation-validators.js';
import { crossOrigin, requestLogging, securityHeaders } from './api/middleware/http-policy.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  contract: Contract;
  routes: RouteTable;
  guards: Guards;
  /** Operator endpoints (health, metrics) mounted outside the contract's base path. */
  operatorRoutes?: express.Router;
  /** The API reference page, mounted outside the contract's validator: it is no operation of any API. */
  docsPage?: express.Router;
  /** The development inbox (src/api/dev/), outside the contract's base path; never given in production. */
  devInboxRoutes?: express.Router;
  /** Signed links to stored files (local storage provider), mounted outside the contract's base path. */
  fileRoutes?: express.Router;
  /** The queue dashboard (/admin/queues), a page outside the contract with guards of its own. */
  queueBoard?: express.Router;
  /** Barong's management transport (method, query, JSON body), ahead of every management route. */
  managementTransport?: RequestHandler[];
  /** Times every answer but the gateway authorizer's (src/api/middleware/request-metrics.ts); none when metrics are off. */
  requestMetrics?: RequestHandler;
  /** IP restrictions of each operation, checked before its access guard. */
  restrictions?: Restrictions;
}

/**
 * Barong's own bases: OpenDAX's stock gateway rewrites `/api/v2/barong` to `/api/v2` before it forwards, and other
 * services call `barong:8001/api/v2/<api>/…` directly. Such a request is served as the published path, so every
 * router, the validator and the permission check see one spelling.
 */
const BARONG_BASE_ALIAS = /^\/api\/v2\/(?=(identity|resource|public|admin|management|docs)([/?]|$))/;

export const servePublishedPath: RequestHandler = (req, _res, next) => {
  if (BARONG_BASE_ALIAS.test(req.url)) {
    req.url = req.url.replace(BARONG_BASE_ALIAS, '/api/v2/barong/');
    req.originalUrl = req.url;
  }
  next();
};

/** The gateway authorizer's path under the contract's base path (src/api/router.ts mounts it). */
const GATEWAY_PATH = /^\/auth(\/|$)/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createApp(deps: AppDeps): Express {
  const { config, logger, contract } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustedProxies);
  app.set('query parser', 'extended');
  // The validator's route lookup follows this setting; every router follows it too (src/api/routing.ts).
  app.set('case sensitive routing', ROUTING.caseSensitive);
  app.set('strict routing', ROUTING.strict);

  app.use(...requestLogging(logger));
  app.use(securityHeaders);
  app.use(servePublishedPath);
  if (deps.operatorRoutes) app.use(deps.operatorRoutes);
  if (deps.fileRoutes) app.use(deps.fileRoutes);

  const validation: ValidatorOptions = {
    validateRequests: { coerceTypes: true, allErrors: true, removeAdditional: false },
    // In tests every response is checked against the contract, so a handler that drifts fails its test.
    validateResponses: config.env === 'test' ? { removeAdditional: false } : false,
    validateSecurity: false,
    // Multipart is read by the intake's readers, whose failures keep the operation's scope.
    fileUploader: false,
    ignorePaths: new RegExp(`^(?!${escapeRegExp(contract.basePath)}/)`),
  };
  // Gateway authorizer: the hot path, before the body parsers and the validator, which it needs neither of, and
  // before the request timer: it counts its decision and nothing else (docs/operations.md#metrics).
  const routers = buildRouters(
    contract,
    deps.routes,
    deps.guards,
    bodyReaderFor(config),
    (path, method) => operationValidator(contract.oas3, path, method, { ...validation, validateApiSpec: false }),
    deps.restrictions,
  );
  if (config.gatewayAuth.trueClientIp) trustTrueClientIp(app);
  app.use(routers.gateway);
  if (deps.requestMetrics) app.use(deps.requestMetrics);

  if (deps.devInboxRoutes) app.use(deps.devInboxRoutes);

  if (deps.queueBoard) app.use(deps.queueBoard);
  app.use(
    contract.basePath,
    crossOrigin(config, (path) => GATEWAY_PATH.test(path)),
  );
  if (deps.docsPage) app.use(deps.docsPage);

  // A fragment is never part of a request target (RFC 9112 §3.2). One inside the path would make the router cut the
  // path (and the query after it) at `#` while the validator reads the path whole: the two would disagree about
  // which operation, and which parameters, the request names. Such a path names no route.
  app.use((req, _res, next) =>
    next(req.originalUrl.split('?')[0]!.includes('#') ? new AppError(404, 'route.not_found') : undefined),
  );
  const managementBase = `${contract.basePath}/management`;
  if (deps.managementTransport) app.use(managementBase, ...deps.managementTransport);
  app.use(cookieParser());
  // Per operation: its access guard, then its body readers (src/api/middleware/body-readers.ts).
  app.use(routers.intake);
  // Each operation's route validates its request against that operation (src/api/operation-validators.ts); what
  // no route took is answered by the whole contract's validator (404, 405), as it was before.
  app.use(routers.api);
  app.use(contractValidator(contract.oas3, { ...validation, validateApiSpec: config.env !== 'production' }));
  app.use(routeNotFound);
  app.use(errorHandler(logger, managementBase));
  return app;
}
