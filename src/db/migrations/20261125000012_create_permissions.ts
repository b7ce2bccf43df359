import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('permissions', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.string('action', 16).notNullable(); // ACCEPT | DROP | AUDIT
    t.string('role', 64).notNullable().index('index_permissions_on_role');
    t.string('verb', 16).notNullable(); // GET | POST | PUT | DELETE | PATCH | HEAD | ALL
    t.string('path', 255).notNullable(); // prefix, no leading slash
    t.string('topic', 64).nullable().index('index_permissions_on_topic');
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('permissions');
}
