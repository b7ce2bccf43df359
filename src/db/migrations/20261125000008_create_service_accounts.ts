import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_accounts', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.string('uid', 32).notNullable().unique('index_service_accounts_on_uid');
    t.bigInteger('owner_id').unsigned().nullable();
    t.string('email', 255).notNullable().unique('index_service_accounts_on_email');
    t.string('role', 64).notNullable().defaultTo('service_account');
    t.integer('level').notNullable().defaultTo(0);
    t.string('state', 32).notNullable().defaultTo('pending');
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.index(['owner_id'], 'index_service_accounts_on_owner_id');
    t.foreign('owner_id', 'fk_service_accounts_owner_id').references('id').inTable('users').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_accounts');
}
