/**
 * Whitelinks: an operator issues a short-lived token; whoever opens the link sends it to
 * POST /identity/users/access, which whitelists the caller's IP (restriction: whitelist / ip / enabled). The
 * token lives in Redis as `active` until its TTL ends.
 * Barong parity: the token is not consumed, so it can whitelist several addresses while it lives; the same
 * address twice is `value.taken`.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import type { Logger } from '../../lib/logger.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { UniqueViolation } from '../../db/db-errors.js';
import { unprocessable } from '../../errors/app-error.js';
import { restrictionIp } from './restriction-ip.js';
import type { PolicyChanges } from './policy-invalidation.js';
import { recordAdminActivity, type AdminActor } from '../admin/admin-actor.js';

/** What an admin asks for: a lifetime of `expireTime` days or hours (Barong's units). */
export interface WhitelinkRequest {
  expireTime: number;
  range: 'day' | 'hour';
}

const RANGE_SECONDS = { day: 86_400, hour: 3_600 } as const;
const EXPIRE_MAX = 30;

const TOKEN = /^[0-9a-f]{64}$/;
const ACTIVE = 'active';

export class WhitelinkService {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly uow: UnitOfWork,
    private readonly logger: Logger,
    /** Absent in the operators' CLI, which only issues tokens. */
    private readonly policy?: PolicyChanges,
  ) {}

  /** A new 64-hex token, valid for `ttlSeconds`. */
  async issue(ttlSeconds: number): Promise<string> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError('ttlSeconds must be a positive integer');
    const token = randomBytes(32).toString('hex');
    await this.redis.set(this.key(token), ACTIVE, 'EX', ttlSeconds);
    return token;
  }

  /**
   * A token issued through the admin API, recorded as the admin's activity (without the token). The record commits
   * only once the token is stored, so there is no record of a token that was never issued.
   */
  issueFor(by: AdminActor, r: WhitelinkRequest): Promise<string> {
    if (!Number.isInteger(r.expireTime) || r.expireTime < 1 || r.expireTime > EXPIRE_MAX)
      throw unprocessable('invalid_expire');
    if (!Object.hasOwn(RANGE_SECONDS, r.range)) throw unprocessable('invalid_range');
    return this.uow.run(async (w) => {
      const params = { expire_time: r.expireTime, range: r.range };
      await recordAdminActivity(w, by, { topic: 'restrictions', action: 'create', params });
      return this.issue(r.expireTime * RANGE_SECONDS[r.range]);
    });
  }

  /** Whitelists `clientIp` when the token is active. */
  async redeem(token: string, clientIp: string): Promise<void> {
    const normalised = token.trim().toLowerCase();
    if (!TOKEN.test(normalised) || (await this.redis.get(this.key(normalised))) !== ACTIVE) {
      throw unprocessable('identity.user.access.invalid_token');
    }
    const value = restrictionIp(clientIp);
    if (!value) throw unprocessable('value.invalid');
    const restriction = { category: 'whitelist', scope: 'ip', value } as const;
    const { restrictions } = this.uow.repos;
    if (await restrictions.exists(restriction.category, restriction.scope, value)) throw unprocessable('value.taken');
    try {
      await restrictions.insert({ ...restriction, state: 'enabled' });
    } catch (err) {
      if (err instanceof UniqueViolation) throw unprocessable('value.taken');
      throw err;
    }
    this.logger.info({ ip: value }, 'whitelink redeemed: IP whitelisted');
    // Every API process's cached restrictions now include it (Barong drops its 5-minute cache here).
    await this.policy?.changed(['restrictions']);
  }

  private key(token: string): string {
    return this.keys.key('whitelink', token);
  }
}
