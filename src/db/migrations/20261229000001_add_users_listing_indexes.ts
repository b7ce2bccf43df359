import type { Knex } from 'knex';

/**
 * The admin API's user list (src/db/repositories/user-search-repository.ts) filters by `state`, `level` and `role`,
 * orders by any column (`created_at` newest first in the back office) and counts every match for the `Total` header.
 * On 1,000,000 users the only index was `state`: the page read half the table and sorted it, the count read it
 * again (no answer within 10 s under load). Each index below serves one shape of that query:
 * - (state, level, role, created_at): those filters together read only their matches, already in created_at order,
 *   and the count is answered from the index alone; its prefix replaces index_users_on_state.
 * - (role, created_at): a role alone (the admins, the compliance officers) is a few rows among members.
 * - (created_at): no filter, or a broad one, ordered by age: the newest rows first, stopping at the page's end.
 * Every key ends in created_at (then the primary key), so a new user is added at the end of its range of each.
 * InnoDB builds them in place while reads and writes go on (27 s for 1,000,000 users on a busy 2-core machine).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.index(['state', 'level', 'role', 'created_at'], 'index_users_on_state_and_level_and_role_and_created_at');
    t.index(['role', 'created_at'], 'index_users_on_role_and_created_at');
    t.index(['created_at'], 'index_users_on_created_at');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropIndex(['state'], 'index_users_on_state');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.index(['state'], 'index_users_on_state');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropIndex(['created_at'], 'index_users_on_created_at');
    t.dropIndex(['role', 'created_at'], 'index_users_on_role_and_created_at');
    t.dropIndex(['state', 'level', 'role', 'created_at'], 'index_users_on_state_and_level_and_role_and_created_at');
  });
}
