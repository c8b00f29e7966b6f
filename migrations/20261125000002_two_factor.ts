import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('two_factor_method', 10).nullable(); // 'sms' | 'totp'; null = two-step off
    t.string('two_factor_phone', 20).nullable(); // E.164
    t.bigInteger('two_factor_enabled_at').nullable();
    t.integer('second_step_failures').notNullable().defaultTo(0);
    t.bigInteger('second_step_locked_until').nullable();
  });

  // One live code per user and purpose; a new code replaces the old one.
  await knex.schema.createTable('verification_codes', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('purpose', 20).notNullable();
    t.string('code_hash', 64).notNullable(); // HMAC-SHA-256, hex
    t.string('phone', 20).nullable(); // the number the code was sent to
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['user_id', 'purpose']);
  });

  await knex.schema.createTable('recovery_codes', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('code_hash', 255).notNullable(); // argon2id with its own salt
    t.bigInteger('used_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['user_id']);
  });

  // Development outbox: SMS messages shown instead of sent.
  await knex.schema.createTable('sms_outbox', (t) => {
    t.increments('id').primary();
    t.string('to', 20).notNullable();
    t.string('text', 500).notNullable();
    t.bigInteger('created_at').notNullable();
  });

  // "Vragenformulier": questions for the clinic's helpdesk.
  await knex.schema.createTable('help_questions', (t) => {
    t.increments('id').primary();
    t.integer('user_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.string('name', 100).notNullable();
    t.string('email', 254).notNullable();
    t.text('question').notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('help_questions');
  await knex.schema.dropTable('sms_outbox');
  await knex.schema.dropTable('recovery_codes');
  await knex.schema.dropTable('verification_codes');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('second_step_locked_until');
    t.dropColumn('second_step_failures');
    t.dropColumn('two_factor_enabled_at');
    t.dropColumn('two_factor_phone');
    t.dropColumn('two_factor_method');
  });
}
