import type { Knex } from 'knex';

export interface Level {
  id: number;
  key: string;
  value: string;
}

export class LevelsRepository {
  constructor(private readonly db: Knex) {}

  async list(): Promise<Level[]> {
    const rows = await this.db('levels').select('id', 'key', 'value').orderBy('id');
    return rows.map((r) => ({ id: Number(r.id), key: r.key, value: r.value }));
  }
}
