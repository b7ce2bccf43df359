import { defineArea } from './area.js';
import { optional, str } from './values.js';

export interface RedisSettings {
  redisUrl: string;
  /** Prepended to every Redis key this server writes, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/1';

export const redis = defineArea({
  title: 'Redis',
  secrets: ['REDIS_URL', 'BARONG_REDIS_URL'],
  shape: {
    REDIS_URL: optional.meta({
      description: 'Redis server',
      values: '`redis://host:port/db`',
      default: `\`${DEFAULT_REDIS_URL}\``,
    }),
    BARONG_REDIS_URL: optional.meta({
      description: "Barong's spelling of `REDIS_URL`, read when that is unset",
      values: '`redis://host:port/db`',
    }),
    BARONG_REDIS_PREFIX: str('barong:').describe('prefix of every Redis key this server writes'),
  },
  read: (e): RedisSettings => ({
    redisUrl: e.REDIS_URL ?? e.BARONG_REDIS_URL ?? DEFAULT_REDIS_URL,
    redisPrefix: e.BARONG_REDIS_PREFIX,
  }),
});
