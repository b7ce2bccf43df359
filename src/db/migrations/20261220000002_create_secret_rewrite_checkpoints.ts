import type { Knex } from 'knex';

/**
 * How far `secrets reencrypt` and `secrets reindex` have come, per run (the target key, e.g. `reencrypt:v3`) and
 * table: the last id done, so an interrupted run resumes there. A run for a newer key starts from the beginning.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('secret_rewrite_checkpoints', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.string('run', 64).notNullable();
    t.string('table_name', 64).notNullable();
    t.bigInteger('last_id').unsigned().notNullable().defaultTo(0);
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.datetime('updated_at', { precision: 3 })
      .notNullable()
      .defaultTo(knex.raw('CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)'));
    t.primary(['run', 'table_name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('secret_rewrite_checkpoints');
}
