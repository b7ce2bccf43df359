/**
 * Brute-force protection for the TOTP codes a user submits (Barong has none, and three time steps are
 * valid at any moment, so a guess wins once in ~333,000). Every code — 2FA enable/verify/disable, API-key and
 * service-account key changes, login — takes a point from one per-user budget in Redis *before* it is checked, so
 * parallel guesses can never exceed it; a right code gives the budget back. Past the limit: 429 + Retry-After.
 */
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import { tooManyRequests } from '../../errors/app-error.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export interface OtpAttemptLimits {
  maxAttempts: number;
  windowSeconds: number;
}

export class OtpAttempts {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: RedisClient, keys: RedisKeys, limits: OtpAttemptLimits) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: false,
      keyPrefix: keys.key('rl', 'otp', 'user'),
      points: limits.maxAttempts,
      duration: limits.windowSeconds,
    });
  }

  /** Takes one attempt for the user, or refuses with 429 `errorKey`. */
  async take(uid: string, errorKey: ErrorKey): Promise<void> {
    try {
      await this.limiter.consume(uid);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw tooManyRequests(errorKey, Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    }
  }

  async succeeded(uid: string): Promise<void> {
    await this.limiter.delete(uid);
  }
}
