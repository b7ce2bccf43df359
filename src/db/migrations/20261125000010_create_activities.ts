import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Rows are written once and never updated, so there is no updated_at (Barong parity).
  await knex.schema.createTable('activities', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().nullable();
    t.string('target_uid', 32).nullable();
    t.string('category', 16).notNullable().defaultTo('user');
    t.string('user_ip', 64).notNullable();
    t.string('user_ip_country', 64).nullable();
    t.string('user_agent', 1024).notNullable();
    t.string('topic', 64).notNullable();
    t.string('action', 64).notNullable();
    t.string('result', 16).notNullable();
    t.text('data').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.index(['user_id', 'created_at'], 'index_activities_on_user_id_and_created_at');
    t.index(['category', 'created_at'], 'index_activities_on_category_and_created_at');
    t.foreign('user_id', 'fk_activities_user_id').references('id').inTable('users').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('activities');
}
