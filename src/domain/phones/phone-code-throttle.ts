/**
 * How many codes may be sent (Barong has no limit; each one is a paid SMS and a way to pester a stranger's
 * phone): per number, whoever asks, and per user, whatever the number, in a sliding Redis window shared by
 * every API process. A point is taken only once the request is known to send.
 */
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import { tooManyRequests } from '../../errors/app-error.js';

export const TOO_MANY_CODE_REQUESTS = 'resource.phone.too_many_requests';

export interface PhoneCodeLimits {
  requestsPerNumber: number;
  requestsPerUser: number;
  requestsWindowSeconds: number;
}

export class PhoneCodeThrottle {
  private readonly perNumber: RateLimiterRedis;
  private readonly perUser: RateLimiterRedis;

  constructor(redis: RedisClient, keys: RedisKeys, limits: PhoneCodeLimits) {
    const common = { storeClient: redis, duration: limits.requestsWindowSeconds, useRedisPackage: false };
    this.perNumber = new RateLimiterRedis({
      ...common,
      keyPrefix: keys.key('rl', 'phone_codes', 'number'),
      points: limits.requestsPerNumber,
    });
    this.perUser = new RateLimiterRedis({
      ...common,
      keyPrefix: keys.key('rl', 'phone_codes', 'user'),
      points: limits.requestsPerUser,
    });
  }

  /** Takes one send for this number (its blind index) and this user, or refuses with 429 and Retry-After. */
  async take(numberIndex: string, userId: number): Promise<void> {
    try {
      await this.perUser.consume(String(userId));
      await this.perNumber.consume(numberIndex);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw tooManyRequests(TOO_MANY_CODE_REQUESTS, Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    }
  }
}
