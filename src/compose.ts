/**
 * The composition root: builds every long-lived dependency once from the configuration and wires the app.
 * main.ts and the tests both go through here, so they run the same graph.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { createKnex, type Knex } from './db/knex.js';
import { createRedis, type Redis } from './lib/redis.js';
import { loadSigningKey } from './lib/signing-key.js';
import { loadContract, type Contract } from './api/contract.js';
import { PasswordPolicy } from './domain/password-policy.js';
import { buildRouteTable } from './api/routes.js';
import type { BuildInfo } from './api/general/general-handlers.js';
import type { RouteTable } from './api/types.js';
import { createOperatorRoutes } from './api/operator/operator-routes.js';
import { createApp } from './app.js';
import { unauthorized } from './errors/app-error.js';

export interface Services {
  config: Config;
  logger: Logger;
  knex: Knex;
  redis: Redis;
  contract: Contract;
  signingKey: KeyObject;
  passwordPolicy: PasswordPolicy;
  build: BuildInfo;
  close(): Promise<void>;
}

const packageVersion: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

function buildInfo(config: Config): BuildInfo {
  return {
    version: packageVersion,
    gitTag: config.build.gitTag ?? packageVersion,
    gitSha: config.build.gitSha ?? 'unknown',
    buildDate: config.build.buildDate ?? new Date().toISOString(),
  };
}

export function createServices(config: Config, logger: Logger): Services {
  const knex = createKnex(config.database);
  const redis = createRedis(config.redisUrl, config.redisPrefix);
  return {
    config,
    logger,
    knex,
    redis,
    contract: loadContract(),
    signingKey: loadSigningKey(config, logger),
    passwordPolicy: new PasswordPolicy(config.password),
    build: buildInfo(config),
    async close() {
      await Promise.allSettled([knex.destroy(), redis.quit()]);
    },
  };
}

// Until the session and bearer authenticators exist, protected routes fail closed.
const denyAll: RequestHandler = () => {
  throw unauthorized('jwt.decode_and_verify');
};

export function composeApp(services: Services): { app: Express; routes: RouteTable } {
  const routes = buildRouteTable(services);
  const app = createApp({
    config: services.config,
    logger: services.logger,
    contract: services.contract,
    routes,
    guards: { public: (_req, _res, next) => next(), session: denyAll, user: denyAll },
    operatorRoutes: createOperatorRoutes({ knex: services.knex, redis: services.redis }),
  });
  return { app, routes };
}
