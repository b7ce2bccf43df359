/**
 * Who may read `/metrics` (BARONG_METRICS_*, src/config/metrics.ts): a scraper with the token when one is set;
 * without one, anyone who reaches the separate port, or loopback clients on the API port outside production.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../../config/index.js';
import type { Registry } from 'prom-client';
import { AppError } from '../../errors/app-error.js';
import { httpStatusKey } from '../../errors/error-keys.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Where the handler is mounted: the API's own port, or the listener of BARONG_METRICS_PORT. */
export type MetricsListener = 'api' | 'metrics-port';

/** Digests first, so the comparison takes the same time whatever the lengths (timingSafeEqual needs equal ones). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Whether this listener serves `/metrics` at all: answered as a route that does not exist otherwise. */
export function servesMetrics(settings: Config['metrics'], listener: MetricsListener): boolean {
  if (listener === 'metrics-port') return settings.exposure === 'port';
  return settings.exposure === 'token' || settings.exposure === 'loopback';
}

/** GET /metrics: the registry's text, to callers the settings admit. */
export function metricsEndpoint(
  settings: Config['metrics'],
  listener: MetricsListener,
  registry: Registry,
): RequestHandler {
  const served = servesMetrics(settings, listener);
  const { token } = settings;
  return async (req, res) => {
    if (!served) throw new AppError(404, 'route.not_found');
    if (token !== undefined) {
      const given = bearerToken(req);
      if (given === undefined || !sameSecret(given, token))
        throw new AppError(401, httpStatusKey(401), { headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } });
    } else if (settings.exposure === 'loopback' && !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      throw new AppError(403, httpStatusKey(403));
    }
    res.type(registry.contentType).send(await registry.metrics());
  };
}
