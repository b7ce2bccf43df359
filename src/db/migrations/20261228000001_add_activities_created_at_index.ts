import type { Knex } from 'knex';

/**
 * The retention purge deletes the oldest activities first (`WHERE created_at < ? ORDER BY created_at, id LIMIT n`,
 * src/domain/retention/): this index lets each batch read and lock only the rows it deletes, instead of scanning
 * the table, so the API's inserts are never held up behind a purge.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('activities', (t) => {
    t.index(['created_at'], 'index_activities_on_created_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('activities', (t) => {
    t.dropIndex(['created_at'], 'index_activities_on_created_at');
  });
}
