/** Read access to a user's KYC records for the account views (UserWithFullInfo). */
import type { Knex } from 'knex';
import { toProfile } from './profiles-repository.js';

type Row = Record<string, any>;

export interface PhoneRecord {
  id: number;
  country: string;
  numberEncrypted: string;
  validatedAt: Date | null;
}

export interface ProfileRecord {
  id: number;
  firstNameEncrypted: string | null;
  lastNameEncrypted: string | null;
  dobEncrypted: string | null;
  addressEncrypted: string | null;
  postcode: string | null;
  city: string | null;
  country: string | null;
  state: number;
  metadata: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DataStorageRecord {
  title: string;
  data: string;
  createdAt: Date;
  updatedAt: Date;
}

export class KycRepository {
  constructor(private readonly db: Knex) {}

  async phones(userId: number): Promise<PhoneRecord[]> {
    const rows = await this.db('phones').where({ user_id: userId }).orderBy('id');
    return rows.map((r: Row) => ({
      id: Number(r.id),
      country: r.country,
      numberEncrypted: r.number_encrypted,
      validatedAt: r.validated_at,
    }));
  }

  async profiles(userId: number): Promise<ProfileRecord[]> {
    const rows = await this.db('profiles').where({ user_id: userId }).orderBy('id');
    return rows.map(toProfile);
  }

  /** Locks the owner's user row until the transaction ends, so per-user checks (one open profile, the document
   *  limit) and the writes that follow them cannot interleave with a concurrent request of the same user. */
  async lockOwner(userId: number): Promise<void> {
    await this.db('users').where({ id: userId }).forUpdate().first('id');
  }

  async dataStorages(userId: number): Promise<DataStorageRecord[]> {
    const rows = await this.db('data_storages').where({ user_id: userId }).orderBy('id');
    return rows.map((r: Row) => ({ title: r.title, data: r.data, createdAt: r.created_at, updatedAt: r.updated_at }));
  }
}
