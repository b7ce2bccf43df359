/** Signing keys made by `keys rotate` (see the migration): shared by every process through the database. */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export interface StoredSigningKey {
  id: number;
  kid: string;
  algorithm: string;
  /** SPKI PEM. */
  publicKey: string;
  /** Encrypted PKCS#8 PEM; null for the configured key's record, or once erased after retirement. */
  privateKeyEncrypted: string | null;
  activatesAt: Date;
  retiresAt: Date | null;
}

export type NewSigningKey = Omit<StoredSigningKey, 'id'>;

const toKey = (r: Row): StoredSigningKey => ({
  id: Number(r.id),
  kid: r.kid,
  algorithm: r.algorithm,
  publicKey: r.public_key,
  privateKeyEncrypted: r.private_key_encrypted,
  activatesAt: r.activates_at,
  retiresAt: r.retires_at,
});

export class SigningKeysRepository {
  constructor(private readonly db: Knex) {}

  /** Oldest activation first. */
  async list(): Promise<StoredSigningKey[]> {
    return (await this.db('signing_keys').orderBy([{ column: 'activates_at' }, { column: 'id' }])).map(toKey);
  }

  /** The same, locked with the gap after them, so two rotations at once run one after the other. */
  async listForUpdate(): Promise<StoredSigningKey[]> {
    return (
      await this.db('signing_keys')
        .orderBy([{ column: 'activates_at' }, { column: 'id' }])
        .forUpdate()
    ).map(toKey);
  }

  async insert(key: NewSigningKey): Promise<void> {
    await this.db('signing_keys').insert({
      kid: key.kid,
      algorithm: key.algorithm,
      public_key: key.publicKey,
      private_key_encrypted: key.privateKeyEncrypted,
      activates_at: key.activatesAt,
      retires_at: key.retiresAt,
    });
  }

  async retire(id: number, at: Date): Promise<void> {
    await this.db('signing_keys').where({ id }).update({ retires_at: at });
  }

  /** Drops the private halves of keys retired before `before`: nothing can sign with them again. */
  async erasePrivateKeys(before: Date): Promise<number> {
    return this.db('signing_keys')
      .where('retires_at', '<=', before)
      .whereNotNull('private_key_encrypted')
      .update({ private_key_encrypted: null });
  }
}
