import type { Knex } from 'knex';

// A patient who forgot their password gets a one-time one from the clinic (the admin command or
// the desk), working until a set time; they choose their own at their next sign-in. Null: the
// password is the patient's own.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => t.bigInteger('one_time_password_until').nullable());
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['users', 'one_time_password_until']);
}
