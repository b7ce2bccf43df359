import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci'); // case-insensitive: 'A@x.io' and 'a@x.io' collide on the unique index
    t.bigIncrements('id');
    t.string('uid', 32).notNullable().unique('index_users_on_uid');
    t.string('username', 255).nullable().unique('index_users_on_username');
    t.string('email', 255).notNullable().unique('index_users_on_email');
    t.string('password_digest', 255).notNullable();
    t.string('role', 64).notNullable().defaultTo('member');
    t.text('data').nullable();
    t.integer('level').notNullable().defaultTo(0);
    t.boolean('otp').notNullable().defaultTo(false);
    t.string('otp_secret_encrypted', 1024).nullable();
    t.bigInteger('otp_last_step').nullable(); // last accepted TOTP time step: a code is accepted once
    t.string('state', 32).notNullable().defaultTo('pending').index('index_users_on_state');
    t.bigInteger('referral_id').unsigned().nullable().index('index_users_on_referral_id');
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
