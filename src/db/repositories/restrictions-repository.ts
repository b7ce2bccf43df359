import { offsetOf, type Page, type PageRequest } from './paging.js';
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export const RESTRICTION_CATEGORIES = ['whitelist', 'maintenance', 'blacklist', 'blocklogin'] as const;
export const RESTRICTION_SCOPES = ['continent', 'country', 'ip', 'ip_subnet', 'all'] as const;
export const RESTRICTION_STATES = ['enabled', 'disabled'] as const;
export type RestrictionCategory = (typeof RESTRICTION_CATEGORIES)[number];
export type RestrictionScope = (typeof RESTRICTION_SCOPES)[number];
export type RestrictionState = (typeof RESTRICTION_STATES)[number];

export interface NewRestriction {
  category: RestrictionCategory;
  scope: RestrictionScope;
  value: string;
  code?: number | null;
  state?: RestrictionState;
}

/** What GET /admin/restrictions filters on; `from`/`to` bound `<range>_at` inclusively. */
export interface RestrictionFilter {
  category?: string;
  scope?: string;
  range: 'created' | 'updated';
  from?: Date;
  to?: Date;
}

export interface Restriction {
  id: number;
  category: RestrictionCategory;
  scope: RestrictionScope;
  value: string;
  /** HTTP status to answer with; null = the category/scope default. */
  code: number | null;
  state: RestrictionState;
  createdAt: Date;
  updatedAt: Date;
}

const toRestriction = (r: Row): Restriction => ({
  id: Number(r.id),
  category: r.category,
  scope: r.scope,
  value: r.value,
  code: r.code === null ? null : Number(r.code),
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class RestrictionsRepository {
  constructor(private readonly db: Knex) {}

  async exists(category: string, scope: string, value: string): Promise<boolean> {
    return Boolean(await this.db('restrictions').where({ category, scope, value }).first('id'));
  }

  async insert(r: NewRestriction): Promise<number> {
    const [id] = await this.db('restrictions').insert({ ...r, state: r.state ?? 'enabled', code: r.code ?? null });
    return Number(id);
  }

  /** The rows the authorizer evaluates, in id order. */
  async enabled(): Promise<Restriction[]> {
    return (await this.db('restrictions').where({ state: 'enabled' }).orderBy('id')).map(toRestriction);
  }

  /** One page of the matching rows in id order, and how many match in all. */
  async page(f: RestrictionFilter, p: PageRequest): Promise<Page<Restriction>> {
    const column = f.range === 'updated' ? 'updated_at' : 'created_at';
    const matching = () => {
      const q = this.db('restrictions');
      if (f.category) q.where({ category: f.category });
      if (f.scope) q.where({ scope: f.scope });
      if (f.from) q.where(column, '>=', f.from);
      if (f.to) q.where(column, '<=', f.to);
      return q;
    };
    const [count] = await matching().count({ n: '*' });
    const rows = await matching().orderBy('id').limit(p.limit).offset(offsetOf(p));
    return { items: rows.map(toRestriction), total: Number(count?.n ?? 0) };
  }

  async findById(id: number): Promise<Restriction | undefined> {
    const row = await this.db('restrictions').where({ id }).first();
    return row ? toRestriction(row) : undefined;
  }

  async update(id: number, fields: Partial<NewRestriction>): Promise<void> {
    await this.db('restrictions').where({ id }).update(fields);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db('restrictions').where({ id }).delete()) > 0;
  }
}
