import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('documents', (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable();
    t.string('upload', 255).notNullable(); // key of the stored object, not the file itself
    t.string('doc_type', 64).notNullable();
    t.date('doc_expire').nullable();
    t.string('doc_number_encrypted', 1024).nullable();
    t.string('doc_number_index', 64).nullable().index('index_documents_on_doc_number_index');
    t.date('doc_issue').nullable();
    t.string('doc_category', 32).nullable();
    t.string('identificator', 64).nullable();
    t.text('metadata').nullable();
    t.string('content_type', 128).nullable();
    t.integer('size').nullable();
    t.datetime('created_at').notNullable().defaultTo(knex.fn.now());
    t.datetime('updated_at').notNullable().defaultTo(knex.raw('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'));
    t.index(['user_id'], 'index_documents_on_user_id');
    t.foreign('user_id', 'fk_documents_user_id').references('id').inTable('users').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('documents');
}
