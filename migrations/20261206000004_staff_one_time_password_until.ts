import type { Knex } from 'knex';

// A staff member's one-time password (given by an admin) works until a set time; after it, an admin
// gives a new one. One given before this migration gets the default of seven days from now.
const DEFAULT_DAYS = 7;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('staff', (t) => t.bigInteger('one_time_password_until').nullable());
  await knex('staff').where({ must_change_password: true }).update({ one_time_password_until: Date.now() + DEFAULT_DAYS * 86_400_000 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('staff', (t) => t.dropColumn('one_time_password_until'));
}
