/**
 * What the admin API reads about users: Barong's filtered lists, the users waiting for a document review, and one
 * user with everything compliance reviews. A read that shows unmasked personal data (profiles, documents, phones)
 * is recorded as an admin activity in the transaction that reads it; the plain lists show none and record nothing.
 */
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { ProfileRecord } from '../../db/repositories/profiles-repository.js';
import type { UserFilter, UserOrderColumn, UsersFound } from '../../db/repositories/user-search-repository.js';
import { notFound } from '../../errors/app-error.js';
import { optionalEpochDate } from '../../lib/epoch-date.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import { recordAdminActivity, type AdminActor } from './admin-actor.js';
import type { UserKycLoader, UserKyc } from './user-kyc.js';

/** Barong's user filter, page and ordering as the API takes them (`from`/`to` in Unix seconds). */
export interface UserSearch extends Omit<UserFilter, 'range' | 'from' | 'to'> {
  range?: UserFilter['range'];
  from?: number;
  to?: number;
  orderBy?: UserOrderColumn;
  ordering?: 'asc' | 'desc';
  page?: number;
  limit?: number;
}

export interface ListedUser {
  user: User;
  referralUid: string | null;
}

export interface Listed<T> {
  items: T[];
  /** Every matching user, beyond the page. */
  total: number;
  page: number;
  limit: number;
}

/** The read as recorded: the call's parameters. */
export type ReadParams = Record<string, unknown>;

const TOPIC = 'users';

function filterOf(s: UserSearch): UserFilter {
  const { uid, email, role, level, state, country } = s;
  return {
    uid,
    email,
    role,
    level,
    state,
    country,
    range: s.range ?? 'created',
    from: optionalEpochDate(s.from),
    to: optionalEpochDate(s.to),
  };
}

const pageOf = (s: UserSearch) => ({ page: s.page ?? 1, limit: s.limit ?? 100 });

export class AdminUserDirectory {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly kyc: UserKycLoader,
  ) {}

  async list(s: UserSearch): Promise<Listed<ListedUser>> {
    const repos = this.uow.repos;
    return this.listed(repos, s, await repos.userSearch.list(filterOf(s), this.orderOf(s), pageOf(s)));
  }

  /** `extended=true`: each user with their profiles, unmasked. */
  async listWithProfiles(
    actor: AdminActor,
    s: UserSearch,
    params: ReadParams,
  ): Promise<Listed<ListedUser & { profiles: ProfileRecord[] }>> {
    return this.recordedRead(actor, params, undefined, async (w) => {
      const listed = await this.listed(
        w.repos,
        s,
        await w.repos.userSearch.list(filterOf(s), this.orderOf(s), pageOf(s)),
      );
      const profiles = await Promise.all(listed.items.map(({ user }) => w.repos.profiles.listByUser(user.id)));
      return { ...listed, items: listed.items.map((item, i) => ({ ...item, profiles: profiles[i]! })) };
    });
  }

  async pending(s: UserSearch): Promise<Listed<ListedUser>> {
    const repos = this.uow.repos;
    return this.listed(repos, s, await repos.userSearch.withPendingDocuments(filterOf(s), pageOf(s)));
  }

  /** `extended=true`: each user as compliance reviews them. */
  async pendingWithKyc(actor: AdminActor, s: UserSearch, params: ReadParams): Promise<Listed<UserKyc>> {
    return this.recordedRead(actor, params, undefined, async (w) => {
      const found = await w.repos.userSearch.withPendingDocuments(filterOf(s), pageOf(s));
      const items = await Promise.all(found.users.map((user) => this.kyc.load(w.repos, user)));
      return { items, total: found.total, ...pageOf(s) };
    });
  }

  async get(actor: AdminActor, uid: string): Promise<UserKyc> {
    const user = await this.uow.repos.users.findByUid(uid);
    if (!user) throw notFound('admin.user.doesnt_exist');
    return this.recordedRead(actor, { uid }, uid, (w) => this.kyc.load(w.repos, user));
  }

  private orderOf(s: UserSearch) {
    return { orderBy: s.orderBy ?? 'id', ordering: s.ordering ?? 'asc' };
  }

  private async listed(repos: Repositories, s: UserSearch, found: UsersFound): Promise<Listed<ListedUser>> {
    const referrers = await repos.userSearch.uidsOf(
      found.users.flatMap((u) => (u.referralId === null ? [] : [u.referralId])),
    );
    const items = found.users.map((user) => ({
      user,
      referralUid: user.referralId === null ? null : (referrers.get(user.referralId) ?? null),
    }));
    return { items, total: found.total, ...pageOf(s) };
  }

  private recordedRead<T>(
    actor: AdminActor,
    params: ReadParams,
    targetUid: string | undefined,
    read: (w: Work) => Promise<T>,
  ): Promise<T> {
    return this.uow.run(async (w) => {
      const result = await read(w);
      await recordAdminActivity(w, actor, { topic: TOPIC, action: 'read', targetUid, params });
      return result;
    });
  }
}
