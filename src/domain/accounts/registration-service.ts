/**
 * Sign-up, confirmation link requests and e-mail confirmation. The first user to sign up may become an active
 * superadmin (BARONG_FIRST_REGISTRATION_SUPERADMIN); a confirmed link opens a session only for an account that
 * may sign in without a code (docs/parity.md#e-mail-confirmation-sign-in).
 */
import type { Config } from '../../config/index.js';
import type { NewUser, User } from '../../db/repositories/users-repository.js';
import { UniqueViolation } from '../../db/db-errors.js';
import { unprocessable } from '../../errors/app-error.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { PasswordPolicy } from '../password-policy.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import type { AccountTokens } from '../tokens/account-tokens.js';
import type { CaptchaVerifier } from '../captcha/captcha.js';
import { accountKey, type AttemptLimiter } from '../sessions/attempt-limiter.js';
import type { RequestContext } from './request-context.js';
import { recordActivity } from './activity-log.js';
import type { AccountLinks } from './account-links.js';
import { CONFIRMATION_LINK_REQUESTED, deferRequest } from './deferred-requests.js';
import { newUid } from './uid.js';
import { eventUser, userLanguage } from './event-user.js';
import { dataErrors, emailErrors, passwordErrors, usernameErrors } from './user-rules.js';

export interface SignUp {
  email: string;
  password: string;
  username?: string;
  refid?: string;
  data?: string;
  captcha_response?: unknown;
}

/** What a new account is made of; the referrer found already. */
export interface NewAccount {
  email: string;
  password: string;
  username?: string;
  data?: string;
  referralId: number | null;
}

/** An account as stored: the password hashed, the role decided. */
export type StoredAccount = Omit<NewUser, 'uid' | 'state' | 'level'>;

export interface RegistrationDeps {
  config: Config;
  uow: UnitOfWork;
  hasher: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  privateLabels: PrivateLabels;
  tokens: AccountTokens;
  links: AccountLinks;
  captcha: CaptchaVerifier;
  codeRequests: AttemptLimiter;
}

export const EMAIL_VERIFIED = ['email', 'verified'] as const;

export class RegistrationService {
  constructor(private readonly d: RegistrationDeps) {}

  async signUp(input: SignUp, ctx: RequestContext): Promise<User> {
    await this.d.captcha.check('user_create', input.captcha_response, ctx.ip);
    const referralId = await this.referral(input.refid);
    const account = {
      email: input.email,
      password: input.password,
      username: input.username,
      data: input.data,
      referralId,
    };
    return this.createAccount(account, { firstMaySuperadmin: true }, async (w, user) => {
      await recordActivity(w.repos, ctx, user.id, 'account', 'signup', 'succeed');
      if (user.role === 'superadmin') return this.d.privateLabels.set(w, user, ...EMAIL_VERIFIED);
      await this.d.links.emitConfirmation(w, user);
      return user;
    });
  }

  /**
   * A new pending member, checked as sign-up checks one (e-mail, password, username, data; uniqueness), announced
   * with model.user.created; `finish` completes it in the same transaction. With `firstMaySuperadmin`, the first
   * user becomes a superadmin when BARONG_FIRST_REGISTRATION_SUPERADMIN says so.
   */
  async createAccount(
    input: NewAccount,
    options: { firstMaySuperadmin?: boolean },
    finish: (w: Work, user: User) => Promise<User>,
  ): Promise<User> {
    const email = input.email.trim();
    const username = input.username?.toLowerCase();
    const errors = [
      ...emailErrors(email),
      ...(await passwordErrors(this.d.passwordPolicy, input.password, [email, username ?? ''])),
      ...usernameErrors(input.username),
      ...dataErrors(input.data),
    ];
    if (!errors.length) {
      const repos = this.d.uow.repos;
      if (await repos.users.findByEmail(email)) errors.push('email.taken');
      if (username && (await repos.users.usernameTaken(username))) errors.push('username.taken');
    }
    if (errors.length) throw unprocessable(errors);

    const passwordDigest = await this.d.hasher.hash(input.password);
    try {
      return await this.d.uow.run(async (w) => {
        // Only while no user exists can a sign-up be the first: then the lock decides which one. Once one exists,
        // sign-ups take no table lock, so they neither wait for nor deadlock with each other.
        let first = false;
        if (
          options.firstMaySuperadmin &&
          this.d.config.app.firstRegistrationSuperadmin &&
          !(await w.repos.users.any())
        ) {
          await w.repos.users.lockTable();
          first = (await w.repos.users.count()) === 0;
        }
        const fields = {
          email,
          passwordDigest,
          username: username ?? null,
          data: input.data ?? null,
          referralId: input.referralId,
        };
        const user = await this.insertAccount(w, { ...fields, role: first ? 'superadmin' : 'member' });
        return finish(w, user);
      });
    } catch (err) {
      if (err instanceof UniqueViolation && err.columns.includes('email_key')) throw unprocessable('email.taken');
      if (err instanceof UniqueViolation && err.columns.includes('username')) throw unprocessable('username.taken');
      throw err;
    }
  }

  /**
   * Inserts a pending account at level 0 with a new uid, its password hashed already, and announces it
   * (model.user.created), in the caller's transaction. No rule is checked here: the caller has.
   */
  async insertAccount(w: Work, account: StoredAccount): Promise<User> {
    const uid = await newUid(w.repos, this.d.config.app.uidPrefix);
    const user = await w.repos.users.insert({ ...account, uid, state: 'pending', level: 0 });
    // The referrer's uid as stored (not the `refid` as typed: lower case, or '' for none).
    w.emit(
      'model.user.created',
      { record: eventUser(user, await w.repos.users.uidOf(account.referralId ?? null)) },
      this.meta(user),
    );
    return user;
  }

  /**
   * Resends the confirmation link. Unknown or already active e-mails get the same answer after the same work, and
   * no mail (the relay decides, deferred-requests.ts).
   */
  async requestConfirmation(email: string, captchaResponse: unknown, ctx: RequestContext): Promise<void> {
    await this.d.captcha.check('email_confirmation', captchaResponse, ctx.ip);
    const user = await this.d.uow.repos.users.findByEmail(email);
    await this.d.codeRequests.take(accountKey(user, email), ctx.ip);
    await deferRequest(this.d.uow, CONFIRMATION_LINK_REQUESTED, user, ctx);
  }

  async confirmEmail(token: string): Promise<User> {
    const claims = await this.d.tokens.verify(token, 'confirmation');
    const found = await this.d.uow.repos.users.findByEmail(claims.email);
    if (!found || found.state === 'active' || found.uid !== claims.uid) {
      throw unprocessable('identity.user.active_or_doesnt_exist');
    }
    if (!(await this.d.tokens.claim(claims.jti))) throw unprocessable('identity.user.utilized_token');
    return this.d.uow.run(async (w) => {
      const user = await this.d.privateLabels.set(w, found, ...EMAIL_VERIFIED);
      const referralUid = await w.repos.users.uidOf(user.referralId);
      w.emit(
        'system.user.email.confirmed',
        { record: { user: eventUser(user, referralUid), domain: this.d.config.app.domain } },
        this.meta(user),
      );
      return user;
    });
  }

  private async referral(refid: string | undefined): Promise<number | null> {
    if (refid === undefined || refid === '') return null;
    if (!refid.toUpperCase().startsWith(this.d.config.app.uidPrefix))
      throw unprocessable('identity.user.invalid_referral_format');
    const referrer = await this.d.uow.repos.users.findByUid(refid.toUpperCase());
    if (!referrer) throw unprocessable('identity.user.referral_doesnt_exist');
    return referrer.id;
  }

  private meta(user: User) {
    return { email: user.email, language: userLanguage(user) };
  }
}
