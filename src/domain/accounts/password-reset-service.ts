/**
 * Forgotten passwords, without account enumeration: unknown e-mails get the same answer
 * after the same work (the link itself is made and mailed later, deferred-requests.ts). Only the latest reset
 * link works, each works once, and a reset ends every session of the user.
 */
import type { Config } from '../../config/index.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { PasswordPolicy } from '../password-policy.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { AccountTokens } from '../tokens/account-tokens.js';
import type { CaptchaVerifier } from '../captcha/captcha.js';
import { accountKey, type AttemptLimiter } from '../sessions/attempt-limiter.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { RequestContext } from './request-context.js';
import { recordActivity } from './activity-log.js';
import { deferRequest, RESET_LINK_REQUESTED } from './deferred-requests.js';
import { eventUser, userLanguage } from './event-user.js';
import { passwordErrors } from './user-rules.js';

export interface PasswordResetDeps {
  config: Config;
  uow: UnitOfWork;
  hasher: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  tokens: AccountTokens;
  captcha: CaptchaVerifier;
  codeRequests: AttemptLimiter;
  sessions: SessionStore;
}

export class PasswordResetService {
  constructor(private readonly d: PasswordResetDeps) {}

  async request(email: string, captchaResponse: unknown, ctx: RequestContext): Promise<void> {
    await this.d.captcha.check('password_reset', captchaResponse, ctx.ip);
    const user = await this.d.uow.repos.users.findByEmail(email);
    await this.d.codeRequests.take(accountKey(user, email), ctx.ip);
    await deferRequest(this.d.uow, RESET_LINK_REQUESTED, user, ctx);
  }

  async confirm(token: string, password: string, confirmation: string, ctx: RequestContext): Promise<void> {
    if (password !== confirmation) throw unprocessable('identity.user.passwords_doesnt_match');
    const claims = await this.d.tokens.verify(token, 'reset');
    if (
      !(await this.d.tokens.isLatestReset(claims.email, claims.reset_token)) ||
      (await this.d.tokens.isClaimed(claims.jti))
    ) {
      throw unprocessable('identity.user.utilized_token');
    }
    const user = await this.d.uow.repos.users.findByEmail(claims.email);
    if (!user || user.uid !== claims.uid) throw notFound('record.not_found');

    const errors = await passwordErrors(this.d.passwordPolicy, password, [user.email, user.username ?? '']);
    if (errors.length) {
      await recordActivity(this.d.uow.repos, ctx, user.id, 'password', 'password reset', 'failed', errors.join(', '));
      throw unprocessable(errors);
    }
    if (!(await this.d.tokens.claim(claims.jti))) throw unprocessable('identity.user.utilized_token');
    const passwordDigest = await this.d.hasher.hash(password);
    await this.d.uow.run(async (w) => {
      await w.repos.users.update(user.id, { passwordDigest });
      await recordActivity(w.repos, ctx, user.id, 'password', 'password reset', 'succeed');
      const referralUid = await w.repos.users.uidOf(user.referralId);
      w.emit(
        'system.user.password.reset',
        { record: { user: eventUser(user, referralUid), domain: this.d.config.app.domain } },
        { email: user.email, language: userLanguage(user) },
      );
    });
    await this.d.tokens.endReset(user.email);
    await this.d.sessions.destroyAllOf(user.uid);
  }
}
