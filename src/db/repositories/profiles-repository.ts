/** Profiles: personal fields encrypted by the caller; state stored as Barong's tinyint (0 drafted … 4 rejected). */
import type { Knex } from 'knex';
import type { Row } from '../row.js';
import { offsetOf, type Page, type PageRequest } from './paging.js';

export interface ProfileRecord {
  id: number;
  /** The uid of the admin who created the profile for the user; null when the user did. */
  author: string | null;
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

/** Barong's enum values (0 drafted, 1 submitted, 3 verified, 4 rejected). */
export const PROFILE_STATE_CODES = { drafted: 0, submitted: 1, verified: 3, rejected: 4 } as const;
export type ProfileState = keyof typeof PROFILE_STATE_CODES;

export function profileStateName(code: number): ProfileState {
  const found = Object.entries(PROFILE_STATE_CODES).find(([, c]) => c === code);
  return (found?.[0] as ProfileState | undefined) ?? 'drafted';
}

/** The columns a profile write may set; undefined leaves a column as it is. */
export interface ProfileFields {
  firstNameEncrypted?: string | null;
  lastNameEncrypted?: string | null;
  dobEncrypted?: string | null;
  addressEncrypted?: string | null;
  postcode?: string | null;
  city?: string | null;
  country?: string | null;
  metadata?: string | null;
  state?: number;
  author?: string | null;
}

const COLUMNS: Record<keyof ProfileFields, string> = {
  firstNameEncrypted: 'first_name_encrypted',
  lastNameEncrypted: 'last_name_encrypted',
  dobEncrypted: 'dob_encrypted',
  addressEncrypted: 'address_encrypted',
  postcode: 'postcode',
  city: 'city',
  country: 'country',
  metadata: 'metadata',
  state: 'state',
  author: 'author',
};

export const toProfile = (r: Row): ProfileRecord => ({
  id: Number(r.id),
  author: r.author,
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
});

function toRow(fields: ProfileFields): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(fields)) {
    const column = COLUMNS[k as keyof ProfileFields];
    if (column && v !== undefined) row[column] = v;
  }
  return row;
}

export class ProfilesRepository {
  constructor(private readonly db: Knex) {}

  async listByUser(userId: number): Promise<ProfileRecord[]> {
    const rows = await this.db('profiles').where({ user_id: userId }).orderBy('id');
    return rows.map(toProfile);
  }

  /** Whether the user has a drafted or submitted profile (only one may be open at a time). */
  async hasOpen(userId: number): Promise<boolean> {
    const states = [PROFILE_STATE_CODES.drafted, PROFILE_STATE_CODES.submitted];
    return Boolean(await this.db('profiles').where({ user_id: userId }).whereIn('state', states).first('id'));
  }

  /** The user's drafted profile, locked for the rest of the transaction. */
  async findDraftedForUpdate(userId: number): Promise<ProfileRecord | undefined> {
    const r = await this.db('profiles')
      .where({ user_id: userId, state: PROFILE_STATE_CODES.drafted })
      .orderBy('id', 'desc')
      .forUpdate()
      .first();
    return r ? toProfile(r) : undefined;
  }

  /** The user's submitted profile, locked for the rest of the transaction. */
  async findSubmittedForUpdate(userId: number): Promise<ProfileRecord | undefined> {
    const r = await this.db('profiles')
      .where({ user_id: userId, state: PROFILE_STATE_CODES.submitted })
      .orderBy('id')
      .forUpdate()
      .first();
    return r ? toProfile(r) : undefined;
  }

  /** Every user's profiles, by id. */
  async page(page: PageRequest): Promise<Page<ProfileRecord>> {
    const [[counted], rows] = await Promise.all([
      this.db('profiles').count({ n: '*' }),
      this.db('profiles').orderBy('id').offset(offsetOf(page)).limit(page.limit),
    ]);
    return { items: rows.map(toProfile), total: Number(counted?.n ?? 0) };
  }

  async findById(id: number): Promise<ProfileRecord | undefined> {
    const r = await this.db('profiles').where({ id }).first();
    return r ? toProfile(r) : undefined;
  }

  async insert(userId: number, fields: ProfileFields): Promise<ProfileRecord> {
    const [id] = await this.db('profiles').insert({ ...toRow(fields), user_id: userId });
    return (await this.findById(Number(id)))!;
  }

  async update(id: number, fields: ProfileFields): Promise<ProfileRecord> {
    const row = toRow(fields);
    if (Object.keys(row).length) await this.db('profiles').where({ id }).update(row);
    return (await this.findById(id))!;
  }
}
