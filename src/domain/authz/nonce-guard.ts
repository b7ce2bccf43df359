/**
 * Better than Barong (docs/parity.md#nonce-replay), where a signed nonce can be replayed in its window: an API key's
 * nonce is accepted once. The first request with a valid signature claims `<prefix>authz:nonce:<kid>:<nonce>` with
 * SET NX, in the Redis every API process shares. Only requests whose signature verified reach the guard, so nobody
 * without the secret can burn a client's nonces.
 *
 * The marker must outlive every process that could still accept the nonce. A process accepts it until its own
 * clock reaches nonce + lifetime; a process whose clock lags by up to the allowed skew does so that much later. So
 * the marker lives until nonce + lifetime + skew, measured from the nonce: on this process's clock, which is itself
 * within the skew of the others (BARONG_APIKEY_NONCE_CLOCK_SKEW bounds the difference between any two processes).
 */
import type { RedisClient, RedisKeys } from '../../lib/redis.js';

export class NonceGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly lifetimeMs: number,
    private readonly clockSkewMs: number,
  ) {}

  /**
   * True the first time (kid, nonce) is presented; false for a replay. `nonce` and `now` are milliseconds since the
   * epoch; the caller accepted the nonce (|now − nonce| < lifetime), so the marker lives more than the skew.
   */
  async claim(kid: string, nonce: number, now = Date.now()): Promise<boolean> {
    const ttlMs = Math.max(1, nonce + this.lifetimeMs + this.clockSkewMs - now);
    const set = await this.redis.set(this.keys.key('authz', 'nonce', kid, String(nonce)), '1', 'PX', ttlMs, 'NX');
    return set === 'OK';
  }
}
