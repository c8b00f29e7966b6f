import type { Knex } from 'knex';

// The clinic's desk ("Balie", src/features/desk-*): staff accounts apart from patients, with their
// own second step in tables of the same shape as the patients' (see src/domain/account-tables.ts),
// the log of everything staff do, and the handling of questions from the Vragenformulier.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staff', (t) => {
    t.increments('id').primary();
    t.string('email', 254).notNullable().unique(); // stored lower-cased
    t.string('name', 100).notNullable();
    t.string('password_hash', 255).notNullable();
    t.string('role', 10).notNullable(); // 'desk' | 'admin'
    t.boolean('disabled').notNullable().defaultTo(false);
    t.integer('session_generation').notNullable().defaultTo(0);
    // Set when an admin made the account with a one-time password: its owner chooses their own first.
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  // The shape of two_factor_settings, so one store serves both. Staff only have 'totp' (a passkey
  // method can be added as another value); `phone` stays null: SMS is never offered to staff.
  await knex.schema.createTable('staff_two_factor_settings', (t) => {
    t.integer('staff_id').primary().references('id').inTable('staff').onDelete('CASCADE');
    t.string('method', 10).notNullable();
    t.string('phone', 20).nullable();
    t.text('totp_secret_encrypted').nullable();
    t.bigInteger('totp_last_step').nullable();
    t.bigInteger('enabled_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('staff_recovery_codes', (t) => {
    t.increments('id').primary();
    t.integer('staff_id').notNullable().references('id').inTable('staff').onDelete('CASCADE');
    t.string('code_hash', 255).notNullable();
    t.bigInteger('used_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['staff_id']);
  });

  await knex.schema.createTable('staff_second_step_lockouts', (t) => {
    t.integer('staff_id').primary().references('id').inTable('staff').onDelete('CASCADE');
    t.integer('failures').notNullable().defaultTo(0);
    t.bigInteger('locked_until').nullable();
    t.bigInteger('announced_until').nullable();
  });

  await knex.schema.alterTable('help_questions', (t) => {
    t.string('status', 10).notNullable().defaultTo('open'); // 'open' | 'handled'
    t.bigInteger('handled_at').nullable();
    t.text('note').nullable(); // what the desk did, written when it was handled
  });
  // Raw, so SQLite adds the column in place (knex would copy the table for the reference).
  await knex.raw('ALTER TABLE help_questions ADD COLUMN handled_by integer NULL REFERENCES staff (id) ON DELETE SET NULL');

  // The desk's sessions, apart from the patients' (the shape connect-session-knex expects).
  await knex.schema.createTable('desk_sessions', (t) => {
    t.string('sid', 255).primary();
    t.json('sess').notNullable();
    t.timestamp('expired', { useTz: true }).notNullable().index();
  });

  // Who on the staff did what, to whom: a staff member's own sign-in security and every desk action.
  await knex.schema.createTable('staff_audit_events', (t) => {
    t.increments('id').primary();
    t.integer('staff_id').nullable().references('id').inTable('staff').onDelete('SET NULL'); // null: the admin command
    t.string('type', 60).notNullable();
    t.integer('patient_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.integer('target_staff_id').nullable().references('id').inTable('staff').onDelete('SET NULL');
    t.integer('question_id').nullable().references('id').inTable('help_questions').onDelete('SET NULL');
    t.text('details').nullable(); // JSON (the reason, a role), never secrets
    t.string('ip', 64).nullable(); // shortened, as in security_events
    t.string('user_agent', 120).nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['created_at']);
    t.index(['patient_id']);
    t.index(['staff_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staff_audit_events');
  await knex.schema.dropTable('desk_sessions');
  await knex.schema.alterTable('help_questions', (t) => {
    t.dropColumn('handled_by');
    t.dropColumn('note');
    t.dropColumn('handled_at');
    t.dropColumn('status');
  });
  await knex.schema.dropTable('staff_second_step_lockouts');
  await knex.schema.dropTable('staff_recovery_codes');
  await knex.schema.dropTable('staff_two_factor_settings');
  await knex.schema.dropTable('staff');
}
