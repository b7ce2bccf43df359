import type { Knex } from 'knex';

export interface NewRestriction {
  category: 'whitelist' | 'maintenance' | 'blacklist' | 'blocklogin';
  scope: 'continent' | 'country' | 'ip' | 'ip_subnet' | 'all';
  value: string;
  code?: number | null;
  state?: 'enabled' | 'disabled';
}

export class RestrictionsRepository {
  constructor(private readonly db: Knex) {}

  async exists(category: string, scope: string, value: string): Promise<boolean> {
    return Boolean(await this.db('restrictions').where({ category, scope, value }).first('id'));
  }

  async insert(r: NewRestriction): Promise<number> {
    const [id] = await this.db('restrictions').insert({ ...r, state: r.state ?? 'enabled', code: r.code ?? null });
    return Number(id);
  }
}
