import { z } from 'zod';
import { defineArea, NODE_ENVS } from './area.js';
import { int, list, optional, str } from './values.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface ServerSettings {
  env: (typeof NODE_ENVS)[number];
  isProduction: boolean;
  http: { port: number; host: string; trustedProxies: string[]; shutdownTimeoutMs: number };
  logLevel: (typeof LOG_LEVELS)[number];
  build: { gitTag?: string; gitSha?: string; buildDate?: string };
}

export const server = defineArea({
  title: 'Server',
  shape: {
    NODE_ENV: z
      .enum(NODE_ENVS)
      .optional()
      .default('development')
      .describe(
        '`test` also validates responses against the contract; `production` requires the JWT and encryption keys and marks the session cookie Secure',
      ),
    PORT: int(3000).describe('port the API listens on'),
    HOST: str('0.0.0.0').describe('address the API listens on'),
    BARONG_SHUTDOWN_TIMEOUT: int(10, 1).describe(
      'seconds the API waits, once told to stop (SIGTERM), for the requests in flight to finish before it cuts the connections left',
    ),
    LOG_LEVEL: z.enum(LOG_LEVELS).optional().default('info').describe('pino level'),
    BARONG_TRUSTED_PROXIES: list('loopback').meta({
      description: 'Express `trust proxy`: the client IP is read from `X-Forwarded-For` only when these send it',
      values: 'comma list of addresses, CIDRs or `loopback`, `linklocal`, `uniquelocal`',
    }),
    BARONG_GIT_TAG: optional.meta({ description: 'what `version` reports as the tag', default: 'package version' }),
    BARONG_GIT_SHA: optional.meta({ description: 'what `version` reports as the commit', default: '`unknown`' }),
    BARONG_BUILD_DATE: optional.meta({
      description: 'what `version` reports as the build date',
      default: 'start time',
    }),
  },
  read: (e): ServerSettings => ({
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    http: {
      port: e.PORT,
      host: e.HOST,
      trustedProxies: e.BARONG_TRUSTED_PROXIES,
      shutdownTimeoutMs: e.BARONG_SHUTDOWN_TIMEOUT * 1000,
    },
    logLevel: e.LOG_LEVEL,
    build: { gitTag: e.BARONG_GIT_TAG, gitSha: e.BARONG_GIT_SHA, buildDate: e.BARONG_BUILD_DATE },
  }),
});
