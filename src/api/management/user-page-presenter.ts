/** A page of users as the management lists answer it: Barong's User, or with `extended` its UserWithProfile. */
import type { Encryptor } from '../../lib/encryptor.js';
import type { UserPage, UserWithProfiles } from '../../domain/management/user-pages.js';
import { presentUser, presentUserWithProfiles } from '../presenters/admin-user-presenter.js';
import { pagingHeaders } from '../admin/paging.js';

export const presentWithProfiles = (u: UserWithProfiles, encryptor: Encryptor) =>
  presentUserWithProfiles(u.user, u.referralUid, u.profiles, encryptor);

export function presentUserPage(page: UserPage, encryptor: Encryptor) {
  return {
    status: 200 as const,
    body: page.items.map(({ user, referralUid, profiles }) =>
      profiles ? presentUserWithProfiles(user, referralUid, profiles, encryptor) : presentUser(user, referralUid),
    ),
    headers: pagingHeaders(page),
  };
}
