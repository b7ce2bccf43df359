/**
 * The listener of BARONG_METRICS_PORT: `/metrics` alone, away from the API's port (and the worker's only HTTP
 * listener). The API process opens it (src/start-api.ts), the worker when it runs without the API (jobs/main.ts).
 */
import type { Server } from 'node:http';
import express from 'express';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';
import { errorHandler, routeNotFound } from '../middleware/error-handler.js';
import { metricsEndpoint } from './metrics-access.js';

export interface MetricsServer {
  /** The port it listens on (the configured one; tests may ask for 0). */
  port: number;
  close(): Promise<void>;
}

/** Undefined, and one log line saying where metrics are (or are not) served, unless BARONG_METRICS_PORT is set. */
export async function startMetricsServer(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  role: 'api' | 'worker',
): Promise<MetricsServer | undefined> {
  const settings = config.metrics;
  const wanted = settings.port;
  if (settings.exposure !== 'port' || wanted === undefined) {
    const note = settings.enabled
      ? exposureNote(settings.exposure, role)
      : 'metrics off (BARONG_METRICS_ENABLED=false): /metrics is served nowhere';
    logger.info({ exposure: settings.exposure }, note);
    return undefined;
  }
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsEndpoint(settings, 'metrics-port', metrics.registry));
  app.use(routeNotFound);
  app.use(errorHandler(logger));
  const host = settings.host ?? config.http.host;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(wanted, host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as { port: number }).port;
  logger.info({ port, host, token: settings.token !== undefined }, 'metrics served on their own port');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function exposureNote(exposure: Config['metrics']['exposure'], role: 'api' | 'worker'): string {
  if (role === 'worker' && exposure !== 'off')
    return 'worker metrics are not served: set BARONG_METRICS_PORT (or run the worker with --with-api)';
  switch (exposure) {
    case 'token':
      return 'metrics served on the API port at /metrics to the BARONG_METRICS_TOKEN bearer';
    case 'loopback':
      return 'metrics served on the API port at /metrics to loopback clients only (no BARONG_METRICS_TOKEN or _PORT)';
    default:
      return 'metrics not served: set BARONG_METRICS_PORT or BARONG_METRICS_TOKEN (BARONG_METRICS_ENABLED=false turns them off)';
  }
}
