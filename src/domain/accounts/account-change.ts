/**
 * A change of a user's own row (level, state, role, 2FA, e-mail), made the one way every flow makes it: written,
 * announced as Barong announces it (`model.user.updated` with the previous value of each field that changed, which
 * also makes the gateway authorizer forget its cached record of the user), and, when the user leaves `active`,
 * every API key of the user and of their service accounts deactivated and the service accounts moved to the new
 * state, in the same transaction, so no key outlives the change.
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { Work } from '../unit-of-work.js';
import { suspendKeysAndAccountsOf } from '../service-accounts/service-account-service.js';
import { eventUser, userLanguage } from './event-user.js';

export type AccountFields = Partial<Pick<User, 'level' | 'state' | 'adminState' | 'role' | 'otp' | 'email'>>;

/** The fields Barong's User entity shows, so the event's `changes` can name them. */
const ANNOUNCED = ['level', 'state', 'role', 'otp', 'email'] as const;

export async function changeAccount(w: Work, user: User, fields: AccountFields): Promise<User> {
  await w.repos.users.update(user.id, fields);
  const { state } = fields;
  if (state !== undefined && state !== user.state && state !== 'active')
    await suspendKeysAndAccountsOf(w.repos, user.id, state);
  const updated = (await w.repos.users.findById(user.id))!;
  const changes: Record<string, unknown> = {};
  for (const field of ANNOUNCED) if (updated[field] !== user[field]) changes[field] = user[field];
  const referralUid = await w.repos.users.uidOf(updated.referralId);
  w.emit(
    'model.user.updated',
    { record: eventUser(updated, referralUid), changes },
    { email: updated.email, language: userLanguage(updated) },
  );
  return updated;
}
