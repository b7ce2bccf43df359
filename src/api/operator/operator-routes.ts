/**
 * Endpoints for operators, outside the published contract: liveness, readiness (database and Redis
 * answer, and the process is not stopping) and Prometheus metrics.
 */
import type { Router } from 'express';
import { createRouter } from '../routing.js';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Knex } from '../../db/knex.js';
import type { RedisClient } from '../../lib/redis.js';

export interface OperatorDeps {
  knex: Knex;
  redis: RedisClient;
  registry?: Registry;
  /** True once the process drains for a stop: readiness fails at once, so a load balancer sends no more. */
  stopping?: () => boolean;
}

export function createOperatorRoutes(deps: OperatorDeps): Router {
  const registry = deps.registry ?? new Registry();
  if (!deps.registry) collectDefaultMetrics({ register: registry, prefix: 'barong_' });
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
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
