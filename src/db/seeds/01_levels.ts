/**
 * Barong's default levels (config/seeds.yml). A user's level is the id of the last level in the unbroken
 * chain from id 1 whose key/value the user holds as a private label, so ids are fixed.
 * Inserts only into an empty table: levels an admin has edited survive re-seeding.
 */
import type { Knex } from 'knex';

const LEVELS = [
  { id: 1, key: 'email', value: 'verified', description: 'User clicked on the confirmation link' },
  { id: 2, key: 'phone', value: 'verified', description: 'User entered a valid code from sms' },
  { id: 3, key: 'document', value: 'verified', description: 'User personal documents have been verified' },
];

export async function seed(knex: Knex): Promise<void> {
  const existing = await knex('levels').first('id');
  if (existing) return;
  await knex('levels').insert(LEVELS);
}
