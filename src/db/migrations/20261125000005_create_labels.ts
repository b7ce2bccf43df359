import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('labels', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable();
    t.string('key', 255).notNullable();
    t.string('value', 255).notNullable();
    t.string('scope', 32).notNullable().defaultTo('public');
    t.text('description').nullable();
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.unique(['user_id', 'key', 'scope'], { indexName: 'index_labels_on_user_id_and_key_and_scope' });
    t.foreign('user_id', 'fk_labels_user_id').references('id').inTable('users').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('labels');
}
