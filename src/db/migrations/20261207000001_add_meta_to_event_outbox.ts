import type { Knex } from 'knex';

/**
 * The outbox now carries every deferred piece of work (mail, SMS, deferred commands), not only Event API events.
 * `meta` holds what delivery needs beside the published payload (the recipient, the language, a label's scope),
 * encrypted like the payload; null for rows written before this column existed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('event_outbox', (t) => {
    t.text('meta').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('event_outbox', (t) => {
    t.dropColumn('meta');
  });
}
