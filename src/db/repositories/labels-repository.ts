import type { Knex } from 'knex';
import type { Row } from '../row.js';

export type LabelScope = 'public' | 'private';

export interface Label {
  id: number;
  userId: number;
  key: string;
  value: string;
  scope: LabelScope;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const toLabel = (r: Row): Label => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  key: r.key,
  value: r.value,
  scope: r.scope,
  description: r.description,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class LabelsRepository {
  constructor(private readonly db: Knex) {}

  async listByUser(userId: number, ordering: 'asc' | 'desc' = 'asc'): Promise<Label[]> {
    const rows = await this.db('labels')
      .where({ user_id: userId })
      .orderBy([
        { column: 'created_at', order: ordering },
        { column: 'id', order: ordering },
      ]);
    return rows.map(toLabel);
  }

  async find(userId: number, key: string, scope?: LabelScope): Promise<Label | undefined> {
    const q = this.db('labels').where({ user_id: userId, key });
    if (scope) q.andWhere({ scope });
    const r = await q.orderBy('id').first();
    return r ? toLabel(r) : undefined;
  }

  async insert(
    userId: number,
    key: string,
    value: string,
    scope: LabelScope,
    description: string | null = null,
  ): Promise<Label> {
    const [id] = await this.db('labels').insert({ user_id: userId, key, value, scope, description });
    return toLabel(await this.db('labels').where({ id }).first());
  }

  /** The value, and the description when one is given (null clears it). */
  async update(id: number, fields: { value: string; description?: string | null }): Promise<void> {
    await this.db('labels')
      .where({ id })
      .update(fields.description === undefined ? { value: fields.value } : fields);
  }

  /** How many private labels there are of each key and value, over all users. */
  async countPrivate(): Promise<LabelCount[]> {
    const rows = await this.db('labels')
      .where({ scope: 'private' })
      .groupBy('key', 'value')
      .orderBy(['key', 'value'])
      .select('key', 'value')
      .count({ n: '*' });
    return rows.map((r: Row) => ({ key: r.key, value: r.value, count: Number(r.n) }));
  }

  async delete(id: number): Promise<void> {
    await this.db('labels').where({ id }).delete();
  }

  /** How many users hold the private label `key: value`. */
  async countPrivateOf(key: string, value: string): Promise<number> {
    const [r] = await this.db('labels').where({ key, value, scope: 'private' }).count({ n: '*' });
    return Number(r?.n ?? 0);
  }
}

/** How many labels have one key and value. */
export interface LabelCount {
  key: string;
  value: string;
  count: number;
}

/** How many labels have one key and value. */
export interface LabelCount {
  key: string;
  value: string;
  count: number;
}
