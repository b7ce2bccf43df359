/** createApp(deps): the Express app without listen. Tests and main.ts both build it here. */
import express, { type Express, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import * as OpenApiValidator from 'express-openapi-validator';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import type { Contract } from './api/contract.js';
import type { RouteTable } from './api/types.js';
import { buildRouter, type Guards } from './api/router.js';
import { errorHandler, routeNotFound } from './api/middleware/error-handler.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  contract: Contract;
  routes: RouteTable;
  guards: Guards;
  /** Operator endpoints (health, metrics) mounted outside the contract's base path. */
  operatorRoutes?: express.Router;
}

const BODY_LIMIT = '1mb';
export const UPLOAD_LIMITS = { fileSize: 10 * 1024 * 1024, files: 10 };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createApp(deps: AppDeps): Express {
  const { config, logger, contract } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustedProxies);
  app.set('query parser', 'extended');

  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/metrics' } }) as RequestHandler);
  if (deps.operatorRoutes) app.use(deps.operatorRoutes);

  app.use(cookieParser());
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(express.urlencoded({ extended: true, limit: BODY_LIMIT }));
  app.use(
    OpenApiValidator.middleware({
      apiSpec: structuredClone(contract.oas3) as never,
      validateApiSpec: config.env !== 'production',
      validateRequests: { coerceTypes: true, allErrors: true, removeAdditional: false },
      // In tests every response is checked against the contract, so a handler that drifts fails its test.
      validateResponses: config.env === 'test' ? { removeAdditional: false } : false,
      validateSecurity: false,
      fileUploader: { limits: UPLOAD_LIMITS },
      ignorePaths: new RegExp(`^(?!${escapeRegExp(contract.basePath)}/)`),
    }),
  );
  app.use(buildRouter(contract, deps.routes, deps.guards));
  app.use(routeNotFound);
  app.use(errorHandler(logger));
  return app;
}
