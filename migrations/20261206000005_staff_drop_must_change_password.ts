import type { Knex } from 'knex';

// `must_change_password` said what a set `one_time_password_until` says (both written together since
// 20261206000004): the one-time password's end is now the only record that the password is not the
// staff member's own. SQLite's own DROP COLUMN (3.35+), not knex's copy of the table, whose drop of
// the old table would cascade to the staff_* tables.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['staff', 'must_change_password']);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('staff', (t) => t.boolean('must_change_password').notNullable().defaultTo(false));
  await knex('staff').whereNotNull('one_time_password_until').update({ must_change_password: true });
}
