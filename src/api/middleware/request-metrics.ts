/**
 * `barong_http_request_duration_seconds`: every answer of the API by its contract operation, method and status.
 * The operation is the one the router named (src/api/router.ts, `named`), never the path: paths carry ids and
 * would make a series per user. Mounted after the gateway authorizer (src/app.ts), whose hot path counts only its
 * decision.
 */
import type { RequestHandler } from 'express';
import type { Metrics } from '../../lib/metrics.js';
import { currentLogContext } from '../../lib/log-context.js';

export function requestMetrics(metrics: Pick<Metrics, 'requests'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const context = currentLogContext();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.observe(
        { operation_id: context?.operationId ?? 'unknown', method: req.method, status: String(res.statusCode) },
        seconds,
      );
    });
    next();
  };
}
