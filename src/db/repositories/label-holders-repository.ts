/** Users by one of their labels, as the management API filters them. */
import type { Knex } from 'knex';
import { toUser } from './users-repository.js';
import type { UserPage, UsersFound } from './user-search-repository.js';

/** The key, and the value and scope when given; `from`/`to` bound `labels.<range>_at` inclusively. */
export interface LabelHolderFilter {
  key: string;
  value?: string;
  scope?: string;
  range: 'created' | 'updated';
  from?: Date;
  to?: Date;
}

export class LabelHoldersRepository {
  constructor(private readonly db: Knex) {}

  /** Once per matching label, by user id (Barong parity: a user with the key in both scopes is listed twice). */
  async list(filter: LabelHolderFilter, page: UserPage): Promise<UsersFound> {
    const rows = await this.labelled(filter)
      .select('users.*')
      .orderBy([{ column: 'users.id' }, { column: 'labels.id' }])
      .offset((page.page - 1) * page.limit)
      .limit(page.limit);
    const [counted] = await this.labelled(filter).count({ n: '*' });
    return { users: rows.map(toUser), total: Number(counted?.n ?? 0) };
  }

  private labelled(f: LabelHolderFilter): Knex.QueryBuilder {
    const q = this.db('users').join('labels', 'labels.user_id', 'users.id').where('labels.key', f.key);
    if (f.value !== undefined) q.where('labels.value', f.value);
    if (f.scope !== undefined) q.where('labels.scope', f.scope);
    if (f.from) q.where(`labels.${f.range}_at`, '>=', f.from);
    if (f.to) q.where(`labels.${f.range}_at`, '<=', f.to);
    return q;
  }
}
