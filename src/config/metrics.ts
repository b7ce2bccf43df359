import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, optional } from './values.js';

/**
 * Where `/metrics` is served, decided once at start:
 * - `port`: on its own listener (BARONG_METRICS_PORT), never on the API's port;
 * - `token`: on the API's port, to `Authorization: Bearer <BARONG_METRICS_TOKEN>` only;
 * - `loopback`: on the API's port to loopback clients only, without a token (outside production, with neither set);
 * - `off`: nowhere (BARONG_METRICS_ENABLED=false, or production with neither set). Disabled, the per-request work
 *   (the request timer, the gateway's count) is skipped too.
 */
export type MetricsExposure = 'port' | 'token' | 'loopback' | 'off';

export interface MetricsSettings {
  metrics: {
    /** False: `/metrics` is served nowhere, and the per-request work (timer, gateway count) is skipped. */
    enabled: boolean;
    exposure: MetricsExposure;
    port: number | undefined;
    /** The API's HOST when unset. */
    host: string | undefined;
    /** Required wherever `/metrics` is served when set, the separate port included. */
    token: string | undefined;
  };
}

const MIN_TOKEN_LENGTH = 16;

const port = () => z.coerce.number().int().min(1).max(65535).optional();

function exposureOf(
  enabled: boolean,
  port: number | undefined,
  token: string | undefined,
  production: boolean,
): MetricsExposure {
  if (!enabled) return 'off';
  if (port !== undefined) return 'port';
  if (token !== undefined) return 'token';
  return production ? 'off' : 'loopback';
}

export const metrics = defineArea({
  title: 'Metrics (Prometheus)',
  secrets: ['BARONG_METRICS_TOKEN'],
  shape: {
    BARONG_METRICS_ENABLED: bool(true).describe(
      "`false`: `/metrics` is served nowhere, and requests are neither timed nor the gateway authorizer's answers counted (`npm run bench:authz` compares both)",
    ),
    BARONG_METRICS_PORT: port().meta({
      description:
        '`/metrics` on a listener of its own (the API and the worker each open it; give each process its own port), and no longer on the API port',
      default: '— (on the API port, see `BARONG_METRICS_TOKEN`)',
    }),
    BARONG_METRICS_HOST: optional.meta({
      description: 'address the `BARONG_METRICS_PORT` listener binds',
      default: '`HOST`',
    }),
    BARONG_METRICS_TOKEN: optional.meta({
      description: `a scraper must send \`Authorization: Bearer <token>\`, on either port. Without a token or a port, \`/metrics\` is served to loopback clients only, and not at all in production`,
      values: `at least ${MIN_TOKEN_LENGTH} characters`,
    }),
  },
  read: (e, context): MetricsSettings => {
    const token = e.BARONG_METRICS_TOKEN;
    if (token !== undefined && token.length < MIN_TOKEN_LENGTH)
      context.problems.push(`BARONG_METRICS_TOKEN: must be at least ${MIN_TOKEN_LENGTH} characters`);
    const production = context.nodeEnv === 'production';
    return {
      metrics: {
        enabled: e.BARONG_METRICS_ENABLED,
        exposure: exposureOf(e.BARONG_METRICS_ENABLED, e.BARONG_METRICS_PORT, token, production),
        port: e.BARONG_METRICS_PORT,
        host: e.BARONG_METRICS_HOST,
        token,
      },
    };
  },
});
