import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('phones', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable();
    t.string('country', 8).notNullable();
    t.string('number_encrypted', 1024).notNullable();
    t.string('number_index', 64).notNullable().index('index_phones_on_number_index'); // blind index of the number
    t.string('code_digest', 255).nullable();
    t.datetime('code_expires_at').nullable();
    t.integer('code_attempts').notNullable().defaultTo(0);
    t.datetime('code_sent_at').nullable();
    t.datetime('validated_at', { precision: 3 }).nullable();
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.unique(['user_id', 'number_index'], { indexName: 'index_phones_on_user_id_and_number_index' });
    t.foreign('user_id', 'fk_phones_user_id').references('id').inTable('users').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('phones');
}
