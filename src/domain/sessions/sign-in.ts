/** What every way of signing in (password, Auth0) shares: who may, and what a success records. */
import { unauthorized } from '../../errors/app-error.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Work } from '../unit-of-work.js';
import type { RequestContext } from '../accounts/request-context.js';
import { recordActivity } from '../accounts/activity-log.js';
import { eventUser, userLanguage } from '../accounts/event-user.js';
import { SIGN_IN_STATES } from '../accounts/account-state.js';
import type { ErrorKey } from '../../errors/error-keys.js';

const STATE_ERRORS: Record<string, [ErrorKey, string]> = {
  banned: ['identity.session.banned', 'Your account is banned'],
  deleted: ['identity.session.deleted', 'Your account is deleted'],
};

/** Refuses, with Barong's keys and a failed login activity, an account whose state may not sign in. */
export async function refuseInactive(repos: Repositories, ctx: RequestContext, user: User): Promise<void> {
  if (SIGN_IN_STATES.has(user.state)) return;
  const [key, reason]: [ErrorKey, string] = STATE_ERRORS[user.state] ?? [
    'identity.session.not_active',
    'Your account is not active',
  ];
  await recordActivity(repos, ctx, user.id, 'session', 'login', 'failed', reason);
  throw unauthorized(key);
}

/** The success activity and `system.session.create` event of a sign-in. */
export async function recordSignIn(w: Work, ctx: RequestContext, user: User, action = 'login'): Promise<void> {
  await recordActivity(w.repos, ctx, user.id, 'session', action, 'succeed');
  const referralUid = await w.repos.users.uidOf(user.referralId);
  w.emit(
    'system.session.create',
    { record: { user: eventUser(user, referralUid), user_ip: ctx.ip, user_agent: ctx.userAgent } },
    { email: user.email, language: userLanguage(user) },
  );
}

/**
 * Whether a mailed link alone (e-mail confirmation) may sign the user in. The link is one factor: an account that
 * may not sign in, is not yet active, or has 2FA logs in normally instead. Barong signs in anyone with the link.
 */
export function linkMaySignIn(user: User): boolean {
  return user.state === 'active' && !user.otp;
}
