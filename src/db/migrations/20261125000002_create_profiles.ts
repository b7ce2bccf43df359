import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('profiles', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable();
    t.string('author', 64).nullable();
    t.string('applicant_id', 255).nullable();
    t.string('first_name_encrypted', 1024).nullable();
    t.string('last_name_encrypted', 1024).nullable();
    t.string('dob_encrypted', 1024).nullable();
    t.string('address_encrypted', 1024).nullable();
    t.string('postcode', 255).nullable();
    t.string('city', 255).nullable();
    t.string('country', 8).nullable();
    t.tinyint('state').notNullable().defaultTo(0); // 0 drafted, 1 submitted, 3 verified, 4 rejected (Barong parity)
    t.text('metadata').nullable();
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.index(['user_id'], 'index_profiles_on_user_id');
    t.foreign('user_id', 'fk_profiles_user_id').references('id').inTable('users').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('profiles');
}
