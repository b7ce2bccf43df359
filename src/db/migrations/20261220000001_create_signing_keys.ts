import type { Knex } from 'knex';

/**
 * Keys made by `keys rotate`, shared by every API and worker process through the database (which they share
 * already): each publishes a key from `activates_at` on or earlier, signs with the newest active one, and stops
 * publishing it at `retires_at`, when the last token it signed has expired. The private half is encrypted like
 * every secret at rest; a row without one records the configured key (JWT_PRIVATE_KEY_PATH) being retired.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('signing_keys', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.increments('id');
    t.string('kid', 64).notNullable().unique('index_signing_keys_on_kid');
    t.string('algorithm', 16).notNullable();
    t.text('public_key').notNullable(); // SPKI PEM
    t.text('private_key_encrypted').nullable(); // PKCS#8 PEM, encrypted
    t.datetime('activates_at', { precision: 3 }).notNullable();
    t.datetime('retires_at', { precision: 3 }).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('signing_keys');
}
