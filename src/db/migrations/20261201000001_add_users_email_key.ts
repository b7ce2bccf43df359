import type { Knex } from 'knex';
import { emailKey } from '../../lib/email-key.js';

/**
 * Accounts are found by `email_key` (src/lib/email-key.ts), compared byte for byte, instead of by `email` under
 * utf8mb4_unicode_ci, which matched accented, full-width and other look-alike spellings to an existing account.
 * `email` keeps the address as typed, with a plain index; uniqueness moves to `email_key`.
 * Rolling back restores the unique index on `email`, which fails while two look-alike addresses both exist.
 */
const BATCH = 1000;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'ALTER TABLE users ADD COLUMN email_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER email',
  );
  for (let lastId = 0; ;) {
    const rows: { id: number; email: string }[] = await knex('users')
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(BATCH)
      .select('id', 'email');
    if (!rows.length) break;
    for (const row of rows)
      await knex('users')
        .where({ id: row.id })
        .update({ email_key: emailKey(row.email) });
    lastId = Number(rows.at(-1)!.id);
  }
  await knex.raw('ALTER TABLE users MODIFY email_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL');
  await knex.schema.alterTable('users', (t) => {
    t.unique(['email_key'], { indexName: 'index_users_on_email_key' });
    t.dropUnique(['email'], 'index_users_on_email');
    t.index(['email'], 'index_users_on_email');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropIndex(['email'], 'index_users_on_email');
    t.unique(['email'], { indexName: 'index_users_on_email' });
    t.dropUnique(['email_key'], 'index_users_on_email_key');
    t.dropColumn('email_key');
  });
}
