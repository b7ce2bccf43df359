import type { Knex } from 'knex';

export interface Level {
  id: number;
  key: string;
  value: string;
}

export type NewLevel = Level & { description: string | null };

export class LevelsRepository {
  constructor(private readonly db: Knex) {}

  async list(): Promise<Level[]> {
    const rows = await this.db('levels').select('id', 'key', 'value').orderBy('id');
    return rows.map((r) => ({ id: Number(r.id), key: r.key, value: r.value }));
  }

  /** Ids are given: a user's level is the id of the last level they reached. */
  async insert(level: NewLevel): Promise<void> {
    await this.db('levels').insert(level);
  }
}
