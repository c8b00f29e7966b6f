import type { Knex } from 'knex';

// The run of failed second steps per patient, and the lock it leads to, in a table of its own
// (owned by src/domain/second-step-lockout.ts) instead of two columns on `users`. A row is
// reserved before every code check, so the count holds however many requests are in flight.
//
// Outside a transaction: SQLite drops a column by copying the table, and knex can switch foreign
// keys off for that copy only outside a transaction. Inside one, dropping the old `users` table
// would cascade and delete every patient's rows in the other tables.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('second_step_lockouts', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.integer('failures').notNullable().defaultTo(0); // checks reserved in the current run
    t.bigInteger('locked_until').nullable();
    t.bigInteger('announced_until').nullable(); // the lock the patient was told about, so they are told once
  });
  await knex.raw(
    `INSERT INTO second_step_lockouts (user_id, failures, locked_until)
     SELECT id, second_step_failures, second_step_locked_until FROM users
     WHERE second_step_failures > 0 OR second_step_locked_until IS NOT NULL`,
  );
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('second_step_failures');
    t.dropColumn('second_step_locked_until');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('second_step_failures').notNullable().defaultTo(0);
    t.bigInteger('second_step_locked_until').nullable();
  });
  await knex.raw(
    `UPDATE users SET
       second_step_failures = COALESCE((SELECT failures FROM second_step_lockouts l WHERE l.user_id = users.id), 0),
       second_step_locked_until = (SELECT locked_until FROM second_step_lockouts l WHERE l.user_id = users.id)`,
  );
  await knex.schema.dropTable('second_step_lockouts');
}
