/**
 * 2FA for the signed-in user, with TOTP as Barong's Vault makes it (SHA1, 6 digits, 30 s, one step of skew):
 * a TOTP secret shown once as an otpauth:// URL and QR code,
 * turned on with a code for it, checked, and turned off with a code. Failures are recorded as `otp` activities
 * (Barong's reasons); codes are rate-limited per user (OtpCodes).
 * Departures from Barong: `verify` with 2FA off answers `resource.otp.not_enabled` (Barong: `already_enabled`);
 * `disable` removes the `otp` label through PrivateLabels, so level and state are recomputed (Barong skips it).
 * Re-enrolment: a user imported from Barong whose codes Vault still checks (otp_vault_key) may generate a local
 * secret and enable it with one of its codes; from then on their codes are local and Vault is no longer asked.
 */
import { badRequest, unprocessable, type AppError } from '../../errors/app-error.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { LabelChange, PrivateLabels } from '../labels/private-labels.js';
import { changeAccount } from '../accounts/account-change.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { RequestContext } from '../accounts/request-context.js';
import { recordActivity } from '../accounts/activity-log.js';
import type { Totp } from './totp.js';
import type { ReenrolProof } from './reenrol-proof.js';
import type { OtpCodes } from './otp-codes.js';

export interface OtpServiceDeps {
  uow: UnitOfWork;
  totp: Totp;
  codes: OtpCodes;
  privateLabels: PrivateLabels;
  sessions: SessionStore;
  reenrolProof: ReenrolProof;
}

const TOPIC = 'otp';
const TOO_MANY = 'resource.otp.too_many_attempts';
const REASON = {
  alreadyEnabled: '2FA has been already enabled for this account',
  notEnabled: '2FA has not been enabled for this account',
  invalid: 'OTP code is invalid',
  reenrolUnproven: 'a code of the current authenticator must be verified first',
};

/**
 * Turns a user's 2FA off, whoever asks (the user with a code, an admin): the flag goes (announced), so does a Vault
 * key name of an imported user, every API key of the user and of their service accounts becomes inactive, and the
 * `otp` label goes with level and state recomputed.
 */
export async function turnOtpOff(
  w: Work,
  privateLabels: PrivateLabels,
  user: User,
  change: LabelChange = {},
): Promise<User> {
  const updated = await changeAccount(w, user, { otp: false });
  if (user.otpVaultKey) await w.repos.users.update(user.id, { otpVaultKey: null });
  await w.repos.apiKeys.deactivateAllOfOwner(user.id);
  return privateLabels.remove(w, updated, 'otp', change);
}

/** 2FA is on and its codes are local: a new secret would replace the one in use. (Vault users may re-enrol.) */
const enrolled = (row: { otp: boolean; otpVaultKey: string | null } | undefined) => !!row?.otp && !row.otpVaultKey;

export class OtpService {
  constructor(private readonly d: OtpServiceDeps) {}

  /** A new secret (replacing one not yet enabled), as the otpauth:// URL and a base64 PNG of it. */
  async generateQrCode(user: User, ctx: RequestContext): Promise<{ barcode: string; url: string }> {
    const action = 'request QR code for 2FA';
    if (enrolled(user))
      throw await this.fail(user, ctx, action, REASON.alreadyEnabled, badRequest('resource.otp.already_enabled'));
    if (user.otpVaultKey && !(await this.d.reenrolProof.holds(user.uid)))
      throw await this.fail(user, ctx, action, REASON.reenrolUnproven, badRequest('resource.otp.verify_first'));
    const { secret, encrypted } = this.d.totp.newSecret();
    await this.d.uow.run(async (w) => {
      // Under the user's row lock: a secret is never replaced once 2FA is on (a concurrent enable).
      if (enrolled(await w.repos.users.lockRow(user.id))) throw badRequest('resource.otp.already_enabled');
      // A new secret starts a new code history.
      await w.repos.users.update(user.id, { otpSecretEncrypted: encrypted, otpLastStep: null });
      await recordActivity(w.repos, ctx, user.id, TOPIC, action, 'succeed');
    });
    const url = this.d.totp.uri(user.email, secret);
    return { barcode: await this.d.totp.qrCode(url), url };
  }

  /**
   * Turns 2FA on with a code of the secret generated last; every other session of the user ends (the caller's own
   * survives). For an imported user whose codes Vault checks, this is re-enrolment: the local secret takes over.
   */
  async enable(user: User, code: string, ctx: RequestContext, currentSessionId?: string): Promise<void> {
    const action = 'enable 2FA';
    if (enrolled(user))
      throw await this.fail(user, ctx, action, REASON.alreadyEnabled, badRequest('resource.otp.already_enabled'));
    // The new secret's code, never Vault's: this proves the user holds what will check their codes from now on.
    if (!(await this.d.codes.acceptLocal(this.d.uow.repos, user, code.trim(), TOO_MANY))) {
      throw await this.fail(user, ctx, action, REASON.invalid, unprocessable('resource.otp.invalid'));
    }
    await this.d.uow.run(async (w) => {
      const row = await w.repos.users.lockRow(user.id);
      if (enrolled(row)) throw badRequest('resource.otp.already_enabled');
      if (row?.otpVaultKey) {
        // Re-enrolment: 2FA stays on (no change to announce), Vault is no longer asked.
        await w.repos.users.update(user.id, { otpVaultKey: null });
        await this.d.reenrolProof.spend(user.uid);
      } else {
        const updated = await changeAccount(w, user, { otp: true });
        await this.d.privateLabels.set(w, updated, 'otp', 'enabled');
      }
      await recordActivity(w.repos, ctx, user.id, TOPIC, action, 'succeed');
    });
    await this.d.sessions.destroyAllOf(user.uid, currentSessionId);
  }

  /** Checks a code of a user with 2FA on (and spends it). */
  async verify(user: User, code: string, ctx: RequestContext): Promise<void> {
    const action = 'verify 2FA code';
    if (!user.otp) throw await this.fail(user, ctx, action, REASON.notEnabled, badRequest('resource.otp.not_enabled'));
    await this.checkCode(user, code, ctx, action);
    if (user.otpVaultKey) await this.d.reenrolProof.grant(user.uid);
  }

  /** Turns 2FA off: every API key of the user and of their service accounts becomes inactive. */
  async disable(user: User, code: string, ctx: RequestContext): Promise<void> {
    const action = 'disable 2FA';
    if (!user.otp) throw await this.fail(user, ctx, action, REASON.notEnabled, badRequest('resource.otp.not_enabled'));
    await this.checkCode(user, code, ctx, action);
    await this.d.uow.run(async (w) => {
      if (!(await w.repos.users.lockRow(user.id))?.otp) throw badRequest('resource.otp.not_enabled');
      await turnOtpOff(w, this.d.privateLabels, user);
      await recordActivity(w.repos, ctx, user.id, TOPIC, action, 'succeed');
    });
  }

  private async checkCode(user: User, code: string, ctx: RequestContext, action: string): Promise<void> {
    if (!(await this.d.codes.accept(this.d.uow.repos, user, code.trim(), TOO_MANY))) {
      throw await this.fail(user, ctx, action, REASON.invalid, unprocessable('resource.otp.invalid'));
    }
  }

  /** Records the failed activity (outside any transaction, so it stays) and hands back the error to throw. */
  private async fail(
    user: User,
    ctx: RequestContext,
    action: string,
    reason: string,
    error: AppError,
  ): Promise<AppError> {
    await recordActivity(this.d.uow.repos, ctx, user.id, TOPIC, action, 'failed', reason);
    return error;
  }
}
