/**
 * The confirmation and reset links mailed to users: a signed token in a `system.user.*.token` event, which the
 * outbox turns into the mail. Used by sign-up (in its transaction) and by the deferred link requests, which the
 * outbox relay carries out (deferred-requests.ts).
 */
import type { Config } from '../../config/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Work } from '../unit-of-work.js';
import type { AccountTokens } from '../tokens/account-tokens.js';
import type { RequestContext } from './request-context.js';
import { recordActivity } from './activity-log.js';
import { eventUser, userLanguage } from './event-user.js';

export class AccountLinks {
  constructor(
    private readonly config: Pick<Config, 'app'>,
    private readonly tokens: AccountTokens,
  ) {}

  async emitConfirmation(w: Work, user: User): Promise<void> {
    const token = await this.tokens.issue('confirmation', { email: user.email, uid: user.uid });
    await this.emit(w, user, 'system.user.email.confirmation.token', { token });
  }

  /** Only the newest reset link works: issuing one voids the ones before it. */
  async emitReset(w: Work, user: User, ctx: RequestContext): Promise<void> {
    const resetToken = await this.tokens.newResetToken(user.email);
    const token = await this.tokens.issue('reset', { email: user.email, uid: user.uid, reset_token: resetToken });
    await recordActivity(w.repos, ctx, user.id, 'password', 'request password reset', 'succeed');
    await this.emit(w, user, 'system.user.password.reset.token', { token });
  }

  private async emit(w: Work, user: User, name: string, extra: Record<string, unknown>): Promise<void> {
    const referralUid = await w.repos.users.uidOf(user.referralId);
    w.emit(
      name,
      { record: { user: eventUser(user, referralUid), domain: this.config.app.domain, ...extra } },
      { email: user.email, language: userLanguage(user) },
    );
  }
}
