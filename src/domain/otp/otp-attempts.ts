/**
 * Brute-force protection for the TOTP codes a signed-in user submits (Barong has none, and three time steps are
 * valid at any moment, so a guess wins once in ~333,000). Every code — 2FA enable/verify/disable, API-key and
 * service-account key changes, login — takes a point from one per-user budget in Redis *before* it is checked, so
 * parallel guesses can never exceed it; a right code gives the budget back. Past the limit: 429 + Retry-After.
 */
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../lib/redis.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import { AppError, forbidden, tooManyRequests } from '../../errors/app-error.js';
import type { Totp } from './totp.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import { VaultUnavailable } from './vault-totp.js';
import type { VaultUserCodes } from './vault-user-codes.js';

export interface OtpAttemptLimits {
  maxAttempts: number;
  windowSeconds: number;
}

export class OtpAttempts {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, keys: RedisKeys, limits: OtpAttemptLimits) {
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

/** Where a refusal other than a wrong code is answered from: the resource API's keys, or the login's. */
export interface OtpRefusalKeys {
  /** The user's key is in Vault and no Vault is configured: 2FA must be re-enrolled through support. */
  reenrol: ErrorKey;
  /** Vault did not answer: the code is refused, never accepted. */
  unavailable: ErrorKey;
}

export const RESOURCE_OTP_REFUSALS: OtpRefusalKeys = {
  reenrol: 'resource.otp.reenrol_required',
  unavailable: 'resource.otp.vault_unavailable',
};

/**
 * A user's TOTP code, checked under the attempt budget and accepted once: the local secret's (Totp.acceptUserCode),
 * or, for a user imported from Barong who has not re-enrolled, Vault's (VaultUserCodes).
 */
export class OtpCodes {
  constructor(
    private readonly totp: Totp,
    private readonly attempts: OtpAttempts,
    /** Undefined when no Vault is configured. */
    private readonly vault: VaultUserCodes | undefined,
  ) {}

  /**
   * True when the code is right and unused; 429 `tooManyKey` when the user's budget is spent, 403 `reenrol` or
   * 503 `unavailable` (refusals) when the user's codes are Vault's and Vault is not configured or does not answer.
   */
  async accept(
    repos: Repositories,
    user: User,
    code: string | undefined,
    tooManyKey: ErrorKey,
    refusals: OtpRefusalKeys = RESOURCE_OTP_REFUSALS,
  ): Promise<boolean> {
    this.refuseUncheckable(user, refusals.reenrol);
    return this.underBudget(user, tooManyKey, async () => {
      if (!user.otpVaultKey) return this.totp.acceptUserCode(repos, user, code);
      try {
        return await this.vault!.accept(user.uid, user.otpVaultKey, code);
      } catch (err) {
        if (err instanceof VaultUnavailable) throw new AppError(503, refusals.unavailable, { cause: err });
        throw err;
      }
    });
  }

  /** A code of the user's local secret, even while Vault still checks their codes: re-enrolment's (OtpService.enable). */
  async acceptLocal(repos: Repositories, user: User, code: string | undefined, tooManyKey: ErrorKey): Promise<boolean> {
    return this.underBudget(user, tooManyKey, () => this.totp.acceptUserCode(repos, user, code));
  }

  /** 403 `reenrolKey` when the user's codes can only be checked by a Vault this server does not have. */
  refuseUncheckable(user: User, reenrolKey: ErrorKey): void {
    if (user.otpVaultKey && !this.vault) throw forbidden(reenrolKey);
  }

  /** The budget is taken before the check, so parallel guesses never exceed it; a right code gives it back. */
  private async underBudget(user: User, tooManyKey: ErrorKey, check: () => Promise<boolean>): Promise<boolean> {
    await this.attempts.take(user.uid, tooManyKey);
    const ok = await check();
    if (ok) await this.attempts.succeeded(user.uid);
    return ok;
  }
}
