import { Redis } from 'ioredis';

/**
 * A plain ioredis client. Keys are prefixed explicitly (`RedisKeys`), not with ioredis' `keyPrefix`, because
 * Bull and rate-limiter-flexible manage their own prefixes and break under a client-side one.
 */
export function createRedis(url: string, name = 'barong'): Redis {
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: 3 });
}

/** Every Redis key this server writes, under the deployment's prefix (`BARONG_REDIS_PREFIX`). */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }
}

export type { Redis };
