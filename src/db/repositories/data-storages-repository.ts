import type { Knex } from 'knex';
import type { Row } from '../row.js';

export interface DataStorage {
  id: number;
  userId: number;
  title: string;
  data: string;
  createdAt: Date;
  updatedAt: Date;
}

export const toDataStorage = (r: Row): DataStorage => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  title: r.title,
  data: r.data,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class DataStoragesRepository {
  constructor(private readonly db: Knex) {}

  /** Case-insensitive: the column's collation (utf8mb4_unicode_ci) compares without case. */
  async titleTaken(userId: number, title: string): Promise<boolean> {
    return Boolean(await this.db('data_storages').where({ user_id: userId, title }).first('id'));
  }

  async listByUser(userId: number): Promise<DataStorage[]> {
    const rows = await this.db('data_storages').where({ user_id: userId }).orderBy('id');
    return rows.map(toDataStorage);
  }

  /** Case-insensitive, as titleTaken. */
  async findByTitle(userId: number, title: string): Promise<DataStorage | undefined> {
    const r = await this.db('data_storages').where({ user_id: userId, title }).first();
    return r ? toDataStorage(r) : undefined;
  }

  async delete(id: number): Promise<void> {
    await this.db('data_storages').where({ id }).delete();
  }

  async insert(userId: number, title: string, data: string): Promise<DataStorage> {
    const [id] = await this.db('data_storages').insert({ user_id: userId, title, data });
    return toDataStorage(await this.db('data_storages').where({ id }).first());
  }
}
