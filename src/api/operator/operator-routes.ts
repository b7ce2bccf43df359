/**
 * Endpoints for operators, outside the published contract: liveness, readiness (database and Redis
 * answer, and the process is not stopping) and Prometheus metrics (where the settings serve them on the API's port:
 * metrics-access.ts).
 */
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import { createRouter } from '../routing.js';
import type { Config } from '../../config/index.js';
import type { Knex } from '../../db/knex.js';
import type { RedisClient } from '../../lib/redis.js';
import { metricsEndpoint } from './metrics-access.js';

export interface OperatorDeps {
  knex: Knex;
  redis: RedisClient;
  registry: Registry;
  metrics: Config['metrics'];
  /** True once the process drains for a stop: readiness fails at once, so a load balancer sends no more. */
  stopping?: () => boolean;
}

export function createOperatorRoutes(deps: OperatorDeps): Router {
  const router = createRouter();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (deps.stopping?.()) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    const checks = await Promise.allSettled([deps.knex.raw('select 1'), deps.redis.ping()]);
    const [database, redis] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
    const ok = database === 'ok' && redis === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, redis });
  });
  router.get('/metrics', metricsEndpoint(deps.metrics, 'api', deps.registry));
  return router;
}
