import type { Knex } from 'knex';
import type { Row } from '../row.js';
import { offsetOf, type Page, type PageRequest } from './paging.js';

export interface ServiceAccount {
  id: number;
  uid: string;
  ownerId: number | null;
  email: string;
  role: string;
  level: number;
  state: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewServiceAccount = Pick<ServiceAccount, 'uid' | 'ownerId' | 'email' | 'role' | 'level' | 'state'>;

const toServiceAccount = (r: Row): ServiceAccount => ({
  id: Number(r.id),
  uid: r.uid,
  ownerId: r.owner_id === null ? null : Number(r.owner_id),
  email: r.email,
  role: r.role,
  level: r.level,
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ServiceAccountsRepository {
  constructor(private readonly db: Knex) {}

  async listByOwner(ownerId: number): Promise<ServiceAccount[]> {
    const rows = await this.db('service_accounts').where({ owner_id: ownerId }).orderBy('id');
    return rows.map(toServiceAccount);
  }

  async findOfOwner(ownerId: number, uid: string): Promise<ServiceAccount | undefined> {
    const r = await this.db('service_accounts').where({ owner_id: ownerId, uid }).first();
    return r ? toServiceAccount(r) : undefined;
  }

  async findByUid(uid: string): Promise<ServiceAccount | undefined> {
    const r = await this.db('service_accounts').where({ uid }).first();
    return r ? toServiceAccount(r) : undefined;
  }

  /** The column's collation ignores case, as Barong's lookup by e-mail does. */
  async findByEmail(email: string): Promise<ServiceAccount | undefined> {
    const r = await this.db('service_accounts').where({ email }).first();
    return r ? toServiceAccount(r) : undefined;
  }

  /** Every account, or one owner's, in id order. */
  async page(ownerId: number | undefined, page: PageRequest): Promise<Page<ServiceAccount>> {
    const scope = () =>
      ownerId === undefined ? this.db('service_accounts') : this.db('service_accounts').where({ owner_id: ownerId });
    const [count] = await scope().count({ n: '*' });
    const rows = await scope().orderBy('id').limit(page.limit).offset(offsetOf(page));
    return { items: rows.map(toServiceAccount), total: Number(count?.n ?? 0) };
  }

  async update(
    id: number,
    fields: Partial<Pick<ServiceAccount, 'ownerId' | 'level' | 'state'>>,
  ): Promise<ServiceAccount> {
    const row: Row = {};
    if (fields.ownerId !== undefined) row.owner_id = fields.ownerId;
    if (fields.level !== undefined) row.level = fields.level;
    if (fields.state !== undefined) row.state = fields.state;
    if (Object.keys(row).length) await this.db('service_accounts').where({ id }).update(row);
    return (await this.findById(id))!;
  }

  async findById(id: number): Promise<ServiceAccount | undefined> {
    const r = await this.db('service_accounts').where({ id }).first();
    return r ? toServiceAccount(r) : undefined;
  }

  /** Locks the account row for the rest of the transaction and reads it again. */
  async lock(id: number): Promise<ServiceAccount | undefined> {
    const r = await this.db('service_accounts').where({ id }).forUpdate().first();
    return r ? toServiceAccount(r) : undefined;
  }

  async emailTaken(email: string): Promise<boolean> {
    const [user, account] = await Promise.all([
      this.db('users').where({ email }).first('id'),
      this.db('service_accounts').where({ email }).first('id'),
    ]);
    return Boolean(user || account);
  }

  async insert(account: NewServiceAccount): Promise<ServiceAccount> {
    const [id] = await this.db('service_accounts').insert({
      uid: account.uid,
      owner_id: account.ownerId,
      email: account.email,
      role: account.role,
      level: account.level,
      state: account.state,
    });
    return (await this.findById(Number(id)))!;
  }

  /** The owner's state reaches every service account they own, as in Barong. */
  async setStateOfOwner(ownerId: number, state: string): Promise<void> {
    await this.db('service_accounts').where({ owner_id: ownerId }).andWhereNot({ state }).update({ state });
  }
}
