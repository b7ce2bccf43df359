/**
 * Every column that holds a secret at rest, for `secrets reencrypt` and `secrets reindex`: read in id order, a
 * batch at a time, and rewritten only where the row still holds what was read, so a concurrent change made by the
 * server (already under the newest key) is never overwritten with an older value.
 */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

/** Columns of Encryptor ciphertext (`v<version>:…`), by table; every table is keyed by `id`. */
export const ENCRYPTED_COLUMNS = {
  users: ['otp_secret_encrypted'],
  api_keys: ['secret_encrypted'],
  profiles: ['first_name_encrypted', 'last_name_encrypted', 'dob_encrypted', 'address_encrypted'],
  phones: ['number_encrypted'],
  documents: ['doc_number_encrypted'],
  event_outbox: ['payload', 'meta'],
  signing_keys: ['private_key_encrypted'],
} as const satisfies Record<string, readonly string[]>;

/** Blind indexes: each index column and the encrypted column whose plain value it is the HMAC of. */
export const BLIND_INDEX_COLUMNS = {
  phones: { index: 'number_index', source: 'number_encrypted' },
  documents: { index: 'doc_number_index', source: 'doc_number_encrypted' },
} as const satisfies Record<string, { index: string; source: string }>;

export type ColumnValues = Record<string, string | null>;

export interface SecretRow {
  id: number;
  values: ColumnValues;
}

export class SecretColumnsRepository {
  constructor(private readonly db: Knex) {}

  /** Rows after `afterId`: what is left of a table. */
  async countAfter(table: string, afterId: number): Promise<number> {
    const [row] = await this.db(table).where('id', '>', afterId).count({ n: '*' });
    return Number(row?.n ?? 0);
  }

  async batch(table: string, columns: readonly string[], afterId: number, limit: number): Promise<SecretRow[]> {
    const rows: Row[] = await this.db(table)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .select('id', ...columns);
    return rows.map((r) => ({ id: Number(r.id), values: Object.fromEntries(columns.map((c) => [c, r[c] ?? null])) }));
  }

  /** Writes `changes` if the row still holds `expected`; false when it changed meanwhile (or is gone). */
  async replace(table: string, id: number, expected: ColumnValues, changes: ColumnValues): Promise<boolean> {
    const query = this.db(table).where({ id });
    for (const [column, value] of Object.entries(expected)) {
      if (value === null) query.whereNull(column);
      else query.where(column, value);
    }
    return (await query.update(changes)) > 0;
  }
}
