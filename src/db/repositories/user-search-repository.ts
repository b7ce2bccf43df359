/** The admin API's user lists: Barong's user filter, orderings and pages, and the users waiting for a document review. */
import type { Knex } from 'knex';
import { toUser, type User } from './users-repository.js';

export const USER_ORDER_COLUMNS = [
  'id',
  'uid',
  'username',
  'email',
  'role',
  'level',
  'otp',
  'state',
  'referral_id',
  'created_at',
  'updated_at',
] as const;
export type UserOrderColumn = (typeof USER_ORDER_COLUMNS)[number];

/** Every given field must match (AND); `from`/`to` bound `<range>_at` inclusively. */
export interface UserFilter {
  uid?: string;
  email?: string;
  role?: string;
  level?: number;
  state?: string;
  /** The country of any of the user's profiles. */
  country?: string;
  range: 'created' | 'updated';
  from?: Date;
  to?: Date;
}

export interface UserPage {
  page: number;
  limit: number;
}

export interface UserOrder {
  orderBy: UserOrderColumn;
  ordering: 'asc' | 'desc';
}

export interface UsersFound {
  users: User[];
  /** Every matching user, beyond the page. */
  total: number;
}

/** A document label that waits for compliance: new, or replaced by a new upload. */
const PENDING_DOCUMENT = ['pending', 'replaced'];

export class UserSearchRepository {
  constructor(private readonly db: Knex) {}

  async list(filter: UserFilter, order: UserOrder, page: UserPage): Promise<UsersFound> {
    const rows = await this.filtered(filter)
      .select('users.*')
      .orderBy([
        { column: `users.${order.orderBy}`, order: order.ordering },
        { column: 'users.id', order: order.ordering },
      ])
      .offset((page.page - 1) * page.limit)
      .limit(page.limit);
    return { users: rows.map(toUser), total: await this.count(this.filtered(filter)) };
  }

  /** Longest waiting first (the label's last change). A user has one private `document` label, so appears once. */
  async withPendingDocuments(filter: UserFilter, page: UserPage): Promise<UsersFound> {
    const rows = await this.pendingDocuments(filter)
      .select('users.*')
      .orderBy([
        { column: 'labels.updated_at', order: 'asc' },
        { column: 'labels.id', order: 'asc' },
      ])
      .offset((page.page - 1) * page.limit)
      .limit(page.limit);
    return { users: rows.map(toUser), total: await this.count(this.pendingDocuments(filter)) };
  }

  /** The uids of the given user ids (referrers of a page of users), in one query. */
  async uidsOf(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows: { id: number; uid: string }[] = await this.db('users')
      .select('id', 'uid')
      .whereIn('id', [...new Set(ids)]);
    return new Map(rows.map((r) => [Number(r.id), r.uid]));
  }

  private pendingDocuments(filter: UserFilter): Knex.QueryBuilder {
    return this.filtered(filter)
      .join('labels', 'labels.user_id', 'users.id')
      .where({ 'labels.key': 'document', 'labels.scope': 'private' })
      .whereIn('labels.value', PENDING_DOCUMENT);
  }

  /** The country matches through EXISTS, so a user with several profiles is still one row (Barong's DISTINCT). */
  private filtered(f: UserFilter): Knex.QueryBuilder {
    const q = this.db('users');
    for (const column of ['uid', 'email', 'role', 'level', 'state'] as const) {
      if (f[column] !== undefined) q.where(`users.${column}`, f[column]);
    }
    if (f.country !== undefined) {
      const country = f.country;
      q.whereExists((p) =>
        p
          .select(this.db.raw('1'))
          .from('profiles')
          .whereRaw('profiles.user_id = users.id')
          .andWhere('profiles.country', country),
      );
    }
    if (f.from) q.where(`users.${f.range}_at`, '>=', f.from);
    if (f.to) q.where(`users.${f.range}_at`, '<=', f.to);
    return q;
  }

  private async count(q: Knex.QueryBuilder): Promise<number> {
    const [r] = await q.clearSelect().clearOrder().count({ n: '*' });
    return Number(r?.n ?? 0);
  }
}
