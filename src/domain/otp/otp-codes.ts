/**
 * The one path every TOTP code a user submits takes (login, 2FA enable/verify/disable, API-key and service-account key
 * changes, the management API's otp/sign): the per-user attempt budget (OtpAttempts), then the check, each code
 * accepted once.
 */
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import { AppError, forbidden } from '../../errors/app-error.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import type { OtpAttempts } from './otp-attempts.js';
import type { Totp } from './totp.js';
import { VaultUnavailable } from './vault-totp.js';
import type { VaultUserCodes } from './vault-user-codes.js';

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
      if (!user.otpVaultKey || !this.vault) return this.totp.acceptUserCode(repos, user, code);
      try {
        return await this.vault.accept(user.uid, user.otpVaultKey, code);
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
