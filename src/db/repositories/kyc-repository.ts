/** Read access to a user's KYC records for the account views (UserWithFullInfo). */
import type { Knex } from 'knex';

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
    return rows.map((r: Row) => ({
      id: Number(r.id),
      firstNameEncrypted: r.first_name_encrypted,
      lastNameEncrypted: r.last_name_encrypted,
      dobEncrypted: r.dob_encrypted,
      addressEncrypted: r.address_encrypted,
      postcode: r.postcode,
      city: r.city,
      country: r.country,
      state: Number(r.state),
      metadata: r.metadata,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async dataStorages(userId: number): Promise<DataStorageRecord[]> {
    const rows = await this.db('data_storages').where({ user_id: userId }).orderBy('id');
    return rows.map((r: Row) => ({ title: r.title, data: r.data, createdAt: r.created_at, updatedAt: r.updated_at }));
  }
}
