/**
 * Phones: the number encrypted, found by its blind index (`number_index`); the pending
 * verification code only as a keyed digest, with its expiry, wrong tries and when it was sent.
 */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

/** What the account views show of a phone. */
export interface PhoneRecord {
  id: number;
  country: string;
  numberEncrypted: string;
  validatedAt: Date | null;
}

export interface Phone extends PhoneRecord {
  userId: number;
  numberIndex: string;
  codeDigest: string | null;
  codeExpiresAt: Date | null;
  codeAttempts: number;
  codeSentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPhone {
  userId: number;
  country: string;
  numberEncrypted: string;
  numberIndex: string;
}

/** A fresh challenge: the digest (null when Twilio Verify holds the code), its expiry and when it was sent. */
export interface PhoneChallenge {
  codeDigest: string | null;
  codeExpiresAt: Date;
  codeSentAt: Date;
}

const toPhone = (r: Row): Phone => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  country: r.country,
  numberEncrypted: r.number_encrypted,
  numberIndex: r.number_index,
  codeDigest: r.code_digest,
  codeExpiresAt: r.code_expires_at,
  codeAttempts: Number(r.code_attempts),
  codeSentAt: r.code_sent_at,
  validatedAt: r.validated_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const challengeRow = (c: PhoneChallenge) => ({
  code_digest: c.codeDigest,
  code_expires_at: c.codeExpiresAt,
  code_sent_at: c.codeSentAt,
  code_attempts: 0,
});

/**
 * A number's index, or its indexes under every configured blind-index key (while `secrets reindex` moves stored
 * indexes to a new key, a row may still carry the previous one).
 */
type NumberIndex = string | readonly string[];
const indexes = (index: NumberIndex): string[] => [index].flat();

export class PhonesRepository {
  constructor(private readonly db: Knex) {}

  async listByUser(userId: number): Promise<Phone[]> {
    const rows = await this.db('phones').where({ user_id: userId }).orderBy('id');
    return rows.map(toPhone);
  }

  async findByUserAndIndex(userId: number, numberIndex: NumberIndex): Promise<Phone | undefined> {
    const row = await this.db('phones')
      .where({ user_id: userId })
      .whereIn('number_index', indexes(numberIndex))
      .orderBy('id')
      .first();
    return row ? toPhone(row) : undefined;
  }

  /** Whether anybody has verified this number. */
  async verifiedExists(numberIndex: NumberIndex): Promise<boolean> {
    const row = await this.db('phones')
      .whereIn('number_index', indexes(numberIndex))
      .whereNotNull('validated_at')
      .first('id');
    return Boolean(row);
  }

  /**
   * Locks every phone row with this number for the rest of the transaction (index range lock), so two users
   * can never verify the same number at once, and two tries of one code are counted one after the other.
   */
  async lockNumber(numberIndex: NumberIndex): Promise<Phone[]> {
    const rows = await this.db('phones').whereIn('number_index', indexes(numberIndex)).orderBy('id').forUpdate();
    return rows.map(toPhone);
  }

  /** UniqueViolation (index_phones_on_user_id_and_number_index) when the user already has the number. */
  insert(phone: NewPhone, challenge: PhoneChallenge): Promise<Phone> {
    return this.insertRow(phone, challengeRow(challenge));
  }

  /** A number verified elsewhere (the exchange's services vouch for it): no code. UniqueViolation as insert(). */
  insertVerified(phone: NewPhone, at: Date): Promise<Phone> {
    return this.insertRow(phone, { validated_at: at });
  }

  async delete(id: number): Promise<void> {
    await this.db('phones').where({ id }).delete();
  }

  private async insertRow(phone: NewPhone, extra: Row): Promise<Phone> {
    const [id] = await this.db('phones').insert({
      user_id: phone.userId,
      country: phone.country,
      number_encrypted: phone.numberEncrypted,
      number_index: phone.numberIndex,
      ...extra,
    });
    return toPhone(await this.db('phones').where({ id }).first());
  }

  async startChallenge(id: number, challenge: PhoneChallenge): Promise<void> {
    await this.db('phones').where({ id }).update(challengeRow(challenge));
  }

  async recordAttempt(id: number, attempts: number, voidCode: boolean): Promise<void> {
    await this.db('phones')
      .where({ id })
      .update({ code_attempts: attempts, ...(voidCode ? { code_digest: null, code_expires_at: null } : {}) });
  }

  async markVerified(id: number, at: Date): Promise<void> {
    await this.db('phones')
      .where({ id })
      .update({ validated_at: at, code_digest: null, code_expires_at: null, code_attempts: 0 });
  }

  /** The first phone with this number, of any user, verified or not. */
  async findByIndex(numberIndex: NumberIndex): Promise<Phone | undefined> {
    const row = await this.db('phones').whereIn('number_index', indexes(numberIndex)).orderBy('id').first();
    return row ? toPhone(row) : undefined;
  }
}
