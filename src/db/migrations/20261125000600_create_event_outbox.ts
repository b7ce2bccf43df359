import type { Knex } from 'knex';

/**
 * The Event API outbox (src/events/): domain events written in the same transaction as the change they
 * describe, then published to RabbitMQ by the relay in the worker process and marked sent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_outbox', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    // The domain event's id: the published token's `jti` and the AMQP message id, so a re-publish is recognisable.
    t.string('event_id', 36).notNullable();
    t.string('name', 128).notNullable();
    t.text('payload', 'mediumtext').notNullable();
    t.datetime('occurred_at', { precision: 3 }).notNullable();
    t.integer('attempts').unsigned().notNullable().defaultTo(0);
    // Not before this time (retry backoff).
    t.datetime('available_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    // A relay's claim: its token and the lease's end; an expired lease (a relay that died) frees the row again.
    t.string('claimed_by', 64).nullable();
    t.datetime('claimed_until', { precision: 3 }).nullable();
    t.string('last_error', 1024).nullable();
    t.datetime('sent_at', { precision: 3 }).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP(3)'));
    t.unique(['event_id'], { indexName: 'index_event_outbox_on_event_id' });
    // Pending rows in order (sent_at IS NULL, by id), and sent rows by age for the purge.
    t.index(['sent_at', 'id'], 'index_event_outbox_on_sent_at_and_id');
    t.index(['claimed_by'], 'index_event_outbox_on_claimed_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('event_outbox');
}
