/**
 * Brute-force protection for password logins (Barong has none): attempts are counted atomically in Redis,
 * per account and per client IP, with rate-limiter-flexible, so the limits hold across every API process.
 * A point is taken *before* the password is checked, so parallel attempts can never exceed the limit; a
 * successful login gives the account its points back and returns the IP's point.
 */
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../lib/redis.js';
import { tooManyRequests } from '../../errors/app-error.js';

/**
 * The counter a login attempt spends. A known account is counted by its uid: MariaDB's collation treats `ａdmin@`,
 * `ádmin@` and `admin@` as one e-mail, so counting by the typed spelling would give each spelling a fresh budget.
 * An unknown e-mail is counted by a width-, case- and accent-folded form of it.
 */
export function accountKey(user: { uid: string } | undefined, email: string): string {
  if (user) return `uid:${user.uid}`;
  const folded = email.normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFKC').trim().toLowerCase();
  return `email:${folded}`;
}

export interface ThrottleLimits {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

export class AttemptLimiter {
  private readonly account: RateLimiterRedis;
  private readonly ip: RateLimiterRedis;

  constructor(
    redis: Redis,
    keys: RedisKeys,
    name: string,
    limits: ThrottleLimits,
    private readonly errorKey: string,
  ) {
    const common = { storeClient: redis, duration: limits.windowSeconds, useRedisPackage: false };
    this.account = new RateLimiterRedis({ ...common, keyPrefix: keys.key('rl', name, 'account'), points: limits.perAccount });
    this.ip = new RateLimiterRedis({ ...common, keyPrefix: keys.key('rl', name, 'ip'), points: limits.perIp });
  }

  /** Takes one attempt for this account (see `accountKey`) and IP, or refuses with 429 and Retry-After. */
  async take(account: string, ip: string): Promise<void> {
    try {
      await Promise.all([this.account.consume(this.accountKey(account)), this.ip.consume(ip)]);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw tooManyRequests(this.errorKey, Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    }
  }

  async succeeded(account: string, ip: string): Promise<void> {
    await Promise.all([this.account.delete(this.accountKey(account)), this.ip.reward(ip, 1)]);
  }

  private accountKey(account: string): string {
    return account;
  }
}
