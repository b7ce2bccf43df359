import type { Knex } from 'knex';
import { emailKey } from '../../lib/email-key.js';
import type { Row } from '../row.js';

export interface User {
  id: number;
  uid: string;
  username: string | null;
  email: string;
  passwordDigest: string;
  role: string;
  data: string | null;
  level: number;
  otp: boolean;
  otpSecretEncrypted: string | null;
  otpLastStep: number | null;
  /** Vault's TOTP key of a user imported from Barong whose codes Vault still checks; null once the secret is ours. */
  otpVaultKey: string | null;
  state: string;
  /** A state an admin set that labels do not lift (see computeState); null when none holds. */
  adminState: string | null;
  referralId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewUser = Pick<User, 'uid' | 'email' | 'passwordDigest' | 'role' | 'state' | 'level'> &
  Partial<Pick<User, 'username' | 'data' | 'referralId'>>;

export type UserWithReferrer = User & { referralUid: string | null };

export const toUser = (r: Row): User => ({
  id: Number(r.id),
  uid: r.uid,
  username: r.username,
  email: r.email,
  passwordDigest: r.password_digest,
  role: r.role,
  data: r.data,
  level: r.level,
  otp: Boolean(r.otp),
  otpSecretEncrypted: r.otp_secret_encrypted,
  otpLastStep: r.otp_last_step === null ? null : Number(r.otp_last_step),
  otpVaultKey: r.otp_vault_key ?? null,
  state: r.state,
  adminState: r.admin_state ?? null,
  referralId: r.referral_id === null ? null : Number(r.referral_id),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMNS: Record<string, string> = {
  uid: 'uid',
  username: 'username',
  email: 'email',
  passwordDigest: 'password_digest',
  role: 'role',
  data: 'data',
  level: 'level',
  otp: 'otp',
  otpSecretEncrypted: 'otp_secret_encrypted',
  otpLastStep: 'otp_last_step',
  otpVaultKey: 'otp_vault_key',
  state: 'state',
  adminState: 'admin_state',
  referralId: 'referral_id',
};

function toRow(fields: Partial<User>): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(fields)) if (COLUMNS[k] && v !== undefined) row[COLUMNS[k]] = v;
  if (typeof fields.email === 'string') row.email_key = emailKey(fields.email);
  return row;
}

export class UsersRepository {
  constructor(private readonly db: Knex) {}

  async findById(id: number): Promise<User | undefined> {
    const r = await this.db('users').where({ id }).first();
    return r ? toUser(r) : undefined;
  }

  async findByUid(uid: string): Promise<User | undefined> {
    const r = await this.db('users').where({ uid }).first();
    return r ? toUser(r) : undefined;
  }

  /** The account whose address is `email` under the one normalisation of src/lib/email-key.ts, compared exactly. */
  async findByEmail(email: string): Promise<User | undefined> {
    const r = await this.db('users')
      .where({ email_key: emailKey(email) })
      .first();
    return r ? toUser(r) : undefined;
  }

  async uidOf(id: number | null): Promise<string | null> {
    if (id === null) return null;
    const r = await this.db('users').select('uid').where({ id }).first();
    return r?.uid ?? null;
  }

  async uidTaken(uid: string): Promise<boolean> {
    const [user, account] = await Promise.all([
      this.db('users').where({ uid }).first('id'),
      this.db('service_accounts').where({ uid }).first('id'),
    ]);
    return Boolean(user || account);
  }

  async usernameTaken(username: string): Promise<boolean> {
    return Boolean(await this.db('users').where({ username }).first('id'));
  }

  /** Whether any user exists (a plain read, no lock). */
  async any(): Promise<boolean> {
    return (await this.db('users').first('id')) !== undefined;
  }

  async count(): Promise<number> {
    const [r] = await this.db('users').count({ n: '*' });
    return Number(r?.n ?? 0);
  }

  /** Serialises concurrent first sign-ups so only one of them can become the first user. */
  async lockTable(): Promise<void> {
    await this.db.raw('SELECT id FROM users ORDER BY id LIMIT 1 FOR UPDATE');
  }

  /**
   * Locks the user's row until the transaction ends, so per-user checks and the writes that follow them cannot
   * interleave with a concurrent request of the same user (one open profile, the document limit, a key created or
   * activated while 2FA is being turned off or the owner leaves `active`). Answers what the key rules read.
   */
  async lockRow(id: number): Promise<{ otp: boolean; otpVaultKey: string | null; state: string } | undefined> {
    const r = await this.db('users').select('otp', 'otp_vault_key', 'state').where({ id }).forUpdate().first();
    return r ? { otp: Boolean(r.otp), otpVaultKey: r.otp_vault_key ?? null, state: r.state } : undefined;
  }

  async insert(user: NewUser): Promise<User> {
    const [id] = await this.db('users').insert(toRow(user));
    return (await this.findById(Number(id)))!;
  }

  async update(id: number, fields: Partial<User>): Promise<void> {
    const row = toRow(fields);
    if (Object.keys(row).length) await this.db('users').where({ id }).update(row);
  }

  /** Accepts a TOTP time step once: succeeds only when it is newer than the last one accepted. */
  async claimOtpStep(id: number, step: number): Promise<boolean> {
    const changed = await this.db('users')
      .where({ id })
      .andWhere((q) => q.whereNull('otp_last_step').orWhere('otp_last_step', '<', step))
      .update({ otp_last_step: step });
    return changed === 1;
  }

  /**
   * The users having a label with this key and value, in any scope, by user id, with their referrer's uid. A user
   * with the pair in both scopes is there twice (Barong parity), and `total` counts both.
   */
  async withLabel(
    key: string,
    value: string,
    page: { page: number; limit: number },
  ): Promise<{ users: UserWithReferrer[]; total: number }> {
    const base = () =>
      this.db('users').join('labels', 'labels.user_id', 'users.id').where({ 'labels.key': key, 'labels.value': value });
    const [counted, rows] = await Promise.all([
      base().count({ n: '*' }),
      base()
        .leftJoin('users as referrers', 'referrers.id', 'users.referral_id')
        .select('users.*', 'referrers.uid as referral_uid')
        .orderBy([{ column: 'users.id' }, { column: 'labels.id' }])
        .limit(page.limit)
        .offset((page.page - 1) * page.limit),
    ]);
    return {
      users: rows.map((r: Row) => ({ ...toUser(r), referralUid: r.referral_uid ?? null })),
      total: Number(counted[0]?.n ?? 0),
    };
  }

  /** The users with these ids or uids, each with their referrer's uid (the admin API's lists). */
  async withReferrers(column: 'id' | 'uid', values: readonly (number | string)[]): Promise<UserWithReferrer[]> {
    if (values.length === 0) return [];
    const rows = await this.db('users')
      .leftJoin('users as referrers', 'referrers.id', 'users.referral_id')
      .whereIn(`users.${column}`, [...new Set(values)])
      .select('users.*', 'referrers.uid as referral_uid');
    return rows.map((r: Row) => ({ ...toUser(r), referralUid: r.referral_uid ?? null }));
  }
}
