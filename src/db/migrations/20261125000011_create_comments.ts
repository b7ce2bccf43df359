import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Admin comments about a user.
  await knex.schema.createTable('comments', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable();
    t.string('author_uid', 32).notNullable();
    t.string('title', 64).notNullable();
    t.text('data').notNullable();
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.index(['user_id'], 'index_comments_on_user_id');
    t.foreign('user_id', 'fk_comments_user_id').references('id').inTable('users').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('comments');
}
