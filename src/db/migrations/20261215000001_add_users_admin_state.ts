import type { Knex } from 'knex';

/**
 * The state an admin set that keeps a user from signing in (`banned`, `locked`, any state but active and pending):
 * it holds whatever the user's private labels later say, until an admin sets another state. Barong has no such
 * column, so a label change after an admin's ban (a phone verified, a document approved) made the user active again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('admin_state', 32).nullable().after('state');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('admin_state');
  });
}
