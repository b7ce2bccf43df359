/**
 * Better than Barong (reference §5.4: "the same signed nonce can be replayed within the window"): an API key's
 * nonce is accepted once. The first request with a valid signature claims `<prefix>authz:nonce:<kid>:<nonce>` with
 * SET NX; the marker lives as long as that nonce could still be accepted (nonce + lifetime, plus a margin for clock
 * differences between API processes), so every API process sharing the Redis refuses a replay, and no marker
 * outlives its use. Only requests whose signature verified reach the guard, so nobody without the secret can burn a
 * client's nonces.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../lib/redis.js';

const CLOCK_MARGIN_MS = 2000;

export class NonceGuard {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly lifetimeMs: number,
  ) {}

  /** True the first time (kid, nonce) is presented; false for a replay. `nonce` is milliseconds since the epoch. */
  async claim(kid: string, nonce: number, now = Date.now()): Promise<boolean> {
    const ttlMs = Math.max(1, nonce + this.lifetimeMs - now) + CLOCK_MARGIN_MS;
    const set = await this.redis.set(this.keys.key('authz', 'nonce', kid, String(nonce)), '1', 'PX', ttlMs, 'NX');
    return set === 'OK';
  }
}
