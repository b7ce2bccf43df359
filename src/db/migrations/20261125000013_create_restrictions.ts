import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('restrictions', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.string('category', 32).notNullable(); // whitelist | maintenance | blacklist | blocklogin
    t.string('scope', 64).notNullable(); // continent | country | ip | ip_subnet | all
    t.string('value', 64).notNullable();
    t.integer('code').nullable(); // HTTP status to answer with; null = the category/scope default
    t.string('state', 16).notNullable().defaultTo('enabled');
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.unique(['category', 'scope', 'value'], { indexName: 'index_restrictions_on_category_and_scope_and_value' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('restrictions');
}
