import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Barong calls this table `apikeys`. The holder is polymorphic (User | ServiceAccount), so there is no
  // foreign key: whoever deletes a holder deletes its keys.
  await knex.schema.createTable('api_keys', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.string('key_holder_account_type', 32).notNullable();
    t.bigInteger('key_holder_account_id').unsigned().notNullable();
    t.string('kid', 64).notNullable().unique('index_api_keys_on_kid');
    t.string('algorithm', 16).notNullable();
    t.text('scope').nullable(); // JSON array
    t.string('secret_encrypted', 1024).notNullable();
    t.string('state', 32).notNullable().defaultTo('active');
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.index(['key_holder_account_type', 'key_holder_account_id'], 'index_api_keys_on_key_holder');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_keys');
}
