/**
 * Users as the management API answers them: each with their referrer's uid and, for Barong's `UserWithProfile`
 * (`extended`), their profiles; lists a page at a time with Barong's defaults (page 1, 100 per page).
 */
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { ProfileRecord } from '../../db/repositories/profiles-repository.js';
import type { UsersFound } from '../../db/repositories/user-search-repository.js';

export interface ListedUser {
  user: User;
  referralUid: string | null;
  /** Present when asked for. */
  profiles?: ProfileRecord[];
}

export type UserWithProfiles = ListedUser & { profiles: ProfileRecord[] };

export interface PageQuery {
  page?: number;
  limit?: number;
}

export interface UserPage {
  items: ListedUser[];
  /** Every match, beyond the page. */
  total: number;
  page: number;
  limit: number;
}

export const pageOf = (q: PageQuery) => ({ page: q.page ?? 1, limit: q.limit ?? 100 });

/** One user with their referrer and profiles, read through `repos` (so a write can answer what it wrote). */
export async function withProfiles(repos: Repositories, user: User): Promise<UserWithProfiles> {
  const [referralUid, profiles] = await Promise.all([
    repos.users.uidOf(user.referralId),
    repos.profiles.listByUser(user.id),
  ]);
  return { user, referralUid, profiles };
}

/** A page of found users with their referrers (one query for the page), and their profiles when `extended`. */
export async function userPage(
  repos: Repositories,
  found: UsersFound,
  query: PageQuery,
  extended: boolean,
): Promise<UserPage> {
  const referrers = await repos.userSearch.uidsOf(
    found.users.flatMap((u) => (u.referralId === null ? [] : [u.referralId])),
  );
  const profiles = extended ? await Promise.all(found.users.map((u) => repos.profiles.listByUser(u.id))) : [];
  const items = found.users.map((user, i) => ({
    user,
    referralUid: user.referralId === null ? null : (referrers.get(user.referralId) ?? null),
    ...(extended ? { profiles: profiles[i] } : {}),
  }));
  return { items, total: found.total, ...pageOf(query) };
}
