/**
 * What a signed-in user does to their own account: replace their `data`, change their password, read their
 * activity history, delete (block) their account. The management API sets anybody's role and data here too.
 */
import type { Config } from '../../config/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Activity } from '../../db/repositories/activities-repository.js';
import { badRequest, unprocessable } from '../../errors/app-error.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { PasswordPolicy } from '../password-policy.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { OtpCodes } from '../otp/otp-codes.js';
import { accountKey, type AttemptLimiter } from '../sessions/attempt-limiter.js';
import type { RequestContext } from './request-context.js';
import { recordActivity } from './activity-log.js';
import { loadAccountDetails, type AccountDetails } from './account-details.js';
import { eventUser, userLanguage } from './event-user.js';
import { dataErrors, passwordErrors } from './user-rules.js';
import { optionalEpochDate } from '../../lib/epoch-date.js';

export interface AccountServiceDeps {
  config: Config;
  uow: UnitOfWork;
  hasher: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  privateLabels: PrivateLabels;
  sessions: SessionStore;
  /** 2FA codes, single use and limited per user. */
  otpCodes: OtpCodes;
  /** The login throttle: password checks here spend the same per-account budget, so a stolen session or token
   * cannot be used to guess the account's password. */
  passwordAttempts: AttemptLimiter;
}

export interface PasswordChange {
  oldPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export type ActivityTopic = 'all' | 'session' | 'otp' | 'password' | 'account';

export interface ActivityQuery {
  topic: ActivityTopic;
  /** Unix seconds: created_at ≥ timeFrom. */
  timeFrom?: number;
  /** Unix seconds: created_at < timeTo. */
  timeTo?: number;
  result?: string;
  page: number;
  limit: number;
}

const PASSWORD_TOPIC = 'password';
const PASSWORD_CHANGE = 'password change';

export class AccountService {
  constructor(private readonly d: AccountServiceDeps) {}

  /** The account with everything the account views show of it. */
  details(user: User): Promise<AccountDetails> {
    return loadAccountDetails(this.d.uow.repos, user);
  }

  /** As `details`, with the user row read again: a sign-in writes to it after the caller loaded it. */
  async freshDetails(user: User): Promise<AccountDetails> {
    return this.details((await this.d.uow.repos.users.findById(user.id)) ?? user);
  }

  /** Replaces (does not merge) the user's `data` JSON string. */
  updateData(user: User, data: string): Promise<User> {
    return this.update(user, { data });
  }

  /**
   * Replaces the user's `data` and, for a trusted caller (the management API), sets their `role`, which must be one
   * the permission table names. Model errors `role.doesnt_exist`, `data.*`; model.user.updated names the previous
   * value of each field that changed.
   */
  async update(user: User, fields: { data?: string; role?: string }): Promise<User> {
    const dataProblems = fields.data === undefined ? [] : dataErrors(fields.data);
    return this.d.uow.run(async (w) => {
      const roleProblems: ErrorKey[] =
        fields.role === undefined || (await w.repos.permissions.roleExists(fields.role)) ? [] : ['role.doesnt_exist'];
      if (roleProblems.length || dataProblems.length) throw unprocessable([...roleProblems, ...dataProblems]);
      await w.repos.users.update(user.id, fields);
      const updated = (await w.repos.users.findById(user.id))!;
      const changes: Record<string, unknown> = {};
      if (fields.role !== undefined && user.role !== updated.role) changes.role = user.role;
      if (fields.data !== undefined && user.data !== updated.data) changes.data = user.data;
      if (Object.keys(changes).length) {
        const referralUid = await w.repos.users.uidOf(updated.referralId);
        w.emit('model.user.updated', { record: eventUser(updated, referralUid), changes }, this.meta(updated));
      }
      return updated;
    });
  }

  /**
   * Barong's order: the password first, then (with 2FA on) the code. The private label `delete: by_user` makes
   * the user `deleted` through the state triggers; then every session of the user ends (Barong leaves them
   * for the gateway to refuse).
   */
  async deleteSelf(user: User, password: string, otpCode: string | undefined, ctx: RequestContext): Promise<void> {
    if (!(await this.checkPassword(user, password, ctx))) throw unprocessable('resource.user.invalid_password');
    await this.d.uow.run(async (w) => {
      if (user.otp) {
        if (!otpCode) throw unprocessable('resource.user.missing_otp_code');
        if (!(await this.d.otpCodes.accept(w.repos, user, otpCode, 'resource.user.too_many_attempts'))) {
          throw unprocessable('resource.user.invalid_otp');
        }
      }
      const updated = await this.d.privateLabels.set(w, user, 'delete', 'by_user');
      const referralUid = await w.repos.users.uidOf(updated.referralId);
      w.emit('system.user.account.deleted', { record: { user: eventUser(updated, referralUid) } }, this.meta(updated));
    });
    await this.d.sessions.destroyAllOf(user.uid);
  }

  /**
   * Every failure is recorded as a failed `password change` activity. On success every other session of the
   * user ends (Barong keeps them): `keepSessionId` is the caller's own session when the call came with one.
   */
  async changePassword(user: User, change: PasswordChange, ctx: RequestContext, keepSessionId?: string): Promise<void> {
    const fail = async (error: Error, reason: string): Promise<never> => {
      await recordActivity(this.d.uow.repos, ctx, user.id, PASSWORD_TOPIC, PASSWORD_CHANGE, 'failed', reason);
      throw error;
    };
    if (change.newPassword !== change.confirmPassword) {
      await fail(unprocessable('resource.password.doesnt_match'), "New passwords don't match");
    }
    if (!(await this.checkPassword(user, change.oldPassword, ctx))) {
      await fail(badRequest('resource.password.prev_pass_not_correct'), 'Previous password is not correct');
    }
    if (change.oldPassword === change.newPassword) {
      await fail(badRequest('resource.password.no_change_provided'), 'No change provided');
    }
    const errors = await passwordErrors(this.d.passwordPolicy, change.newPassword, [user.email, user.username ?? '']);
    if (errors.length) await fail(unprocessable(errors), errors.join(', '));

    const passwordDigest = await this.d.hasher.hash(change.newPassword);
    await this.d.uow.run(async (w) => {
      await w.repos.users.update(user.id, { passwordDigest });
      await recordActivity(w.repos, ctx, user.id, PASSWORD_TOPIC, PASSWORD_CHANGE, 'succeed');
      await this.announcePasswordChange(w, user);
    });
    await this.d.sessions.destroyAllOf(user.uid, keepSessionId);
  }

  /** The user's activities, newest first. Seed parity: an empty page is `[]` (Barong answers 422). */
  async activity(user: User, q: ActivityQuery): Promise<{ total: number; items: Activity[] }> {
    const filter = {
      userId: user.id,
      topic: q.topic === 'all' ? undefined : q.topic,
      result: q.result,
      from: optionalEpochDate(q.timeFrom),
      to: optionalEpochDate(q.timeTo),
    };
    const { activities } = this.d.uow.repos;
    const [total, items] = await Promise.all([activities.count(filter), activities.list(filter, q.page, q.limit)]);
    return { total, items };
  }

  private async checkPassword(user: User, password: string, ctx: RequestContext): Promise<boolean> {
    const account = accountKey(user, user.email);
    await this.d.passwordAttempts.take(account, ctx.ip);
    const { ok } = await this.d.hasher.verify(user.passwordDigest, password);
    if (ok) await this.d.passwordAttempts.succeeded(account, ctx.ip);
    return ok;
  }

  private async announcePasswordChange(w: Work, user: User): Promise<void> {
    const referralUid = await w.repos.users.uidOf(user.referralId);
    w.emit(
      'system.user.password.change',
      { record: { user: eventUser(user, referralUid), domain: this.d.config.app.domain } },
      this.meta(user),
    );
  }

  private meta(user: User) {
    return { email: user.email, language: userLanguage(user) };
  }
}
