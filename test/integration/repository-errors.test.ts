/**
 * Repositories throw domain errors, not the driver's codes: a write that breaks a unique index is a UniqueViolation
 * naming the index and its columns (never the duplicate value); every other failure passes as the driver threw it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniqueViolation } from '../../src/db/db-errors.js';
import { repositories } from '../../src/db/repositories/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const EMAIL = 'taken.address@example.com';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.destroy());

const user = (uid: string, email: string, username: string | null = null) =>
  ({ uid, email, username, passwordDigest: 'digest', role: 'member', state: 'pending', level: 0 }) as const;

describe('repository errors', () => {
  it('a duplicate is a UniqueViolation with the index and its columns, and without the value', async () => {
    const { users } = repositories(db.knex);
    await users.insert(user('ID00000000A1', EMAIL, 'takenname'));
    const error = await users.insert(user('ID00000000A2', EMAIL)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UniqueViolation);
    expect(error).toMatchObject({
      index: 'index_users_on_email_key',
      columns: ['email_key'],
      cause: { code: 'ER_DUP_ENTRY' },
    });
    expect(String((error as Error).message)).not.toContain(EMAIL);

    const byName = await users
      .insert(user('ID00000000A3', 'other@example.com', 'takenname'))
      .catch((err: unknown) => err);
    expect(byName).toMatchObject({ index: 'index_users_on_username', columns: ['username'] });
  });

  it('names every column of a composite index, also inside a transaction', async () => {
    const error = await db.knex
      .transaction(async (trx) => {
        const { labels, users } = repositories(trx);
        const owner = await users.insert(user('ID00000000B1', 'labels@example.com'));
        await labels.insert(owner.id, 'tier', 'gold', 'public');
        await labels.insert(owner.id, 'tier', 'silver', 'public');
      })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({
      index: 'index_labels_on_user_id_and_key_and_scope',
      columns: ['user_id', 'key', 'scope'],
    });
  });

  it('passes any other failure as the driver threw it', async () => {
    const error = await repositories(db.knex)
      .users.insert(user('ID'.padEnd(40, '0'), 'long@example.com'))
      .catch((err: unknown) => err);
    expect(error).not.toBeInstanceOf(UniqueViolation);
    expect(error).toMatchObject({ code: 'ER_DATA_TOO_LONG' });
  });
});
