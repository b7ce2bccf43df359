import type { Knex } from 'knex';

/**
 * Users imported from a running Barong whose 2FA secret stays in Vault's TOTP engine (it never gives keys back):
 * the Vault key name their codes are checked against until they re-enrol, which moves them to the local store and
 * clears it. Null for everyone whose secret is ours (`otp_secret_encrypted`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('otp_vault_key', 255).nullable().after('otp_last_step');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('otp_vault_key');
  });
}
