import type { Knex } from 'knex';
import type { Row } from '../row.js';

/** Who holds a key: a user or one of a user's service accounts (Barong's polymorphic key holder). */
export type KeyHolderType = 'User' | 'ServiceAccount';

export interface KeyHolder {
  type: KeyHolderType;
  id: number;
}

export interface ApiKey {
  id: number;
  holderType: KeyHolderType;
  holderId: number;
  kid: string;
  algorithm: string;
  scope: string[];
  secretEncrypted: string;
  state: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewApiKey = Pick<ApiKey, 'kid' | 'algorithm' | 'scope' | 'secretEncrypted' | 'state'>;

/** The columns a key list may be ordered by (Barong allowed any, the encrypted secret included). */
export const API_KEY_ORDER_COLUMNS = ['id', 'kid', 'algorithm', 'state', 'created_at', 'updated_at'] as const;
export type ApiKeyOrderColumn = (typeof API_KEY_ORDER_COLUMNS)[number];

export interface ApiKeyPage {
  orderBy: ApiKeyOrderColumn;
  ordering: 'asc' | 'desc';
  page: number;
  limit: number;
}

function parseScope(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw === '') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

const toApiKey = (r: Row): ApiKey => ({
  id: Number(r.id),
  holderType: r.key_holder_account_type,
  holderId: Number(r.key_holder_account_id),
  kid: r.kid,
  algorithm: r.algorithm,
  scope: parseScope(r.scope),
  secretEncrypted: r.secret_encrypted,
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ApiKeysRepository {
  constructor(private readonly db: Knex) {}

  private ofHolder(holder: KeyHolder) {
    return this.db('api_keys').where({ key_holder_account_type: holder.type, key_holder_account_id: holder.id });
  }

  async list(holder: KeyHolder, page: ApiKeyPage): Promise<{ keys: ApiKey[]; total: number }> {
    const [count] = await this.ofHolder(holder).count({ n: '*' });
    const rows = await this.ofHolder(holder)
      .orderBy([
        { column: page.orderBy, order: page.ordering },
        { column: 'id', order: page.ordering },
      ])
      .limit(page.limit)
      .offset((page.page - 1) * page.limit);
    return { keys: rows.map(toApiKey), total: Number(count?.n ?? 0) };
  }

  async findByKid(holder: KeyHolder, kid: string): Promise<ApiKey | undefined> {
    const r = await this.ofHolder(holder).andWhere({ kid }).first();
    return r ? toApiKey(r) : undefined;
  }

  /**
   * Any holder's key: for request signing, where the kid is all the caller names. Exactly this kid: the column's
   * collation ignores case (and accents), and a signing key must have one spelling, the one its caches are keyed by.
   */
  async findAnyByKid(kid: string): Promise<ApiKey | undefined> {
    const r = await this.db('api_keys').where({ kid }).first();
    return r && r.kid === kid ? toApiKey(r) : undefined;
  }

  /** Every kid, a page at a time in id order (the authorizer's filter of existing kids is built from it). */
  async kidsAfter(afterId: number, limit: number): Promise<{ id: number; kid: string }[]> {
    const rows = await this.db('api_keys').where('id', '>', afterId).orderBy('id').limit(limit).select('id', 'kid');
    return rows.map((r: { id: number; kid: string }) => ({ id: Number(r.id), kid: r.kid }));
  }

  async kidTaken(kid: string): Promise<boolean> {
    return Boolean(await this.db('api_keys').where({ kid }).first('id'));
  }

  async insert(holder: KeyHolder, key: NewApiKey): Promise<ApiKey> {
    const [id] = await this.db('api_keys').insert({
      key_holder_account_type: holder.type,
      key_holder_account_id: holder.id,
      kid: key.kid,
      algorithm: key.algorithm,
      scope: JSON.stringify(key.scope),
      secret_encrypted: key.secretEncrypted,
      state: key.state,
    });
    return toApiKey(await this.db('api_keys').where({ id }).first());
  }

  async update(id: number, fields: { scope?: string[]; state?: string }): Promise<ApiKey> {
    const row: Row = {};
    if (fields.scope !== undefined) row.scope = JSON.stringify(fields.scope);
    if (fields.state !== undefined) row.state = fields.state;
    if (Object.keys(row).length) await this.db('api_keys').where({ id }).update(row);
    return toApiKey(await this.db('api_keys').where({ id }).first());
  }

  /** Every active key of the holder becomes `inactive`; answers their kids. */
  async deactivateAllOf(holder: KeyHolder): Promise<string[]> {
    const rows = await this.ofHolder(holder).andWhere({ state: 'active' }).forUpdate().select('kid');
    if (rows.length) await this.ofHolder(holder).andWhere({ state: 'active' }).update({ state: 'inactive' });
    return rows.map((r: Row) => String(r.kid));
  }

  async delete(id: number): Promise<void> {
    await this.db('api_keys').where({ id }).delete();
  }

  /** The kids of every key of a user and of the user's service accounts (the gateway authorizer's cache invalidation). */
  async kidsOfOwner(userId: number): Promise<string[]> {
    const rows = await this.db('api_keys')
      .select('kid')
      .where({ key_holder_account_type: 'User', key_holder_account_id: userId })
      .orWhere((sa) =>
        sa
          .where({ key_holder_account_type: 'ServiceAccount' })
          .whereIn('key_holder_account_id', this.db('service_accounts').select('id').where({ owner_id: userId })),
      );
    return rows.map((r: Row) => String(r.kid));
  }

  /** Every key of a user and of the user's service accounts becomes `inactive`. */
  async deactivateAllOfOwner(userId: number): Promise<void> {
    await this.db('api_keys')
      .where((q) =>
        q
          .where({ key_holder_account_type: 'User', key_holder_account_id: userId })
          .orWhere((sa) =>
            sa
              .where({ key_holder_account_type: 'ServiceAccount' })
              .whereIn('key_holder_account_id', this.db('service_accounts').select('id').where({ owner_id: userId })),
          ),
      )
      .andWhereNot({ state: 'inactive' })
      .update({ state: 'inactive' });
  }
}
