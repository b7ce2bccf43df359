/**
 * Brute-force protection for password logins (Barong has none): attempts are counted atomically in Redis,
 * per account and per client IP, so the limits hold across every API process.
 * A point is taken *before* the password is checked, so parallel attempts can never exceed the limit; a
 * successful login gives the account its points back and returns the IP's point.
 * rate-limiter-flexible's counters limit, per IP only, anonymous requests that cost the server work (IpLimiter).
 */
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import { attemptScripts } from './attempt-counters.js';
import { tooManyRequests } from '../../errors/app-error.js';
import { emailKey } from '../../lib/email-key.js';
import type { ErrorKey } from '../../errors/error-keys.js';

/** The counters one attempt on an account spends, the most specific first (see `accountKey`). */
export type AccountKey = readonly string[];

/** The address without width, case or accents: `ａdmin@`, `Ádmin@` and `admin@` fold to one. */
const folded = (email: string) => email.normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFKC').trim().toLowerCase();

/**
 * Look-alike spellings of an address (full-width, accented …) are other addresses (src/lib/email-key.ts), yet
 * they share one counter, the folded address, so guesses cannot be spread over spellings and a locked address
 * stays locked under each of them. A known account also spends its own counter, by uid, which only its own
 * successful login resets: the owner of a look-alike account, whose login clears the shared counter, cannot
 * clear it. An unknown address spends a counter of its own in that place, so both cost the same Redis work and
 * the time of the answer says nothing about the address (deferred-requests.ts).
 */
export function accountKey(user: { uid: string } | undefined, email: string): AccountKey {
  return [user ? `uid:${user.uid}` : `address:${emailKey(email)}`, `email:${folded(email)}`];
}

export interface ThrottleLimits {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

/** Runs the rate-limiter calls; a spent budget becomes 429 `errorKey` with Retry-After. */
async function withinBudget(errorKey: ErrorKey, spend: () => Promise<unknown>): Promise<void> {
  try {
    await spend();
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    throw tooManyRequests(errorKey, Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
  }
}

function limiter(redis: RedisClient, keyPrefix: string, points: number, windowSeconds: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: false,
    keyPrefix,
    points,
    duration: windowSeconds,
  });
}

/**
 * Both counters of an attempt, per account and per IP, in one script (attempt-counters.ts): one Redis round trip to
 * take an attempt and one to clear it after a success, where rate-limiter-flexible needed two and three. The keys
 * share a hash tag, so the scripts run on a Redis Cluster too (all attempt counters live in one slot, as the
 * gateway's keys do).
 */
export class AttemptLimiter {
  private readonly scripts: ReturnType<typeof attemptScripts>;
  private readonly accountPrefix: string;
  private readonly ipPrefix: string;

  constructor(
    redis: RedisClient,
    keys: RedisKeys,
    name: string,
    private readonly limits: ThrottleLimits,
    private readonly errorKey: ErrorKey,
  ) {
    this.scripts = attemptScripts(redis);
    this.accountPrefix = keys.tagged('attempts', 'rl', name, 'account');
    this.ipPrefix = keys.tagged('attempts', 'rl', name, 'ip');
  }

  /**
   * Takes one attempt for this account (see `accountKey`) and IP, or refuses with 429 and Retry-After. The account's
   * counters are spent one after the other: a later one only by attempts the earlier let through, so parallel
   * attempts on a known account pass exactly as many times as its own counter allows.
   */
  async take(account: AccountKey, ip: string): Promise<void> {
    const { perAccount, perIp, windowSeconds } = this.limits;
    const keys = this.keysOf(account, ip);
    const waitMs = await this.scripts.barongAttemptTake(keys.length, ...keys, perAccount, perIp, windowSeconds);
    if (waitMs > 0) throw tooManyRequests(this.errorKey, Math.max(1, Math.ceil(waitMs / 1000)));
  }

  async succeeded(account: AccountKey, ip: string): Promise<void> {
    const keys = this.keysOf(account, ip);
    await this.scripts.barongAttemptSucceed(keys.length, ...keys, this.limits.windowSeconds);
  }

  private keysOf(account: AccountKey, ip: string): string[] {
    return [...account.map((key) => `${this.accountPrefix}:${key}`), `${this.ipPrefix}:${ip}`];
  }
}

export interface IpLimits {
  perIp: number;
  windowSeconds: number;
}

/** A per-client-IP budget, in Redis, for anonymous requests that cost the server work (sign-up, password scoring). */
export class IpLimiter {
  private readonly ip: RateLimiterRedis;

  constructor(redis: RedisClient, keys: RedisKeys, name: string, limits: IpLimits) {
    this.ip = limiter(redis, keys.key('rl', name, 'ip'), limits.perIp, limits.windowSeconds);
  }

  /** Takes one request for this IP, or refuses with 429 `errorKey` and Retry-After. */
  async take(ip: string, errorKey: ErrorKey): Promise<void> {
    await withinBudget(errorKey, () => this.ip.consume(ip));
  }
}
