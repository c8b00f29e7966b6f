import type { Knex } from 'knex';

// Times are stored as epoch milliseconds (bigint) so that SQLite and PostgreSQL behave the
// same and an injected clock can drive every expiry.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.string('email', 254).notNullable().unique(); // stored lower-cased: unique case-insensitively
    t.string('name', 100).notNullable();
    t.string('password_hash', 255).notNullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.integer('session_generation').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('security_events', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('type', 60).notNullable();
    t.string('ip', 64).nullable(); // shortened (last part dropped) before it is stored
    t.string('user_agent', 120).nullable();
    t.text('details').nullable(); // JSON, never secrets
    t.bigInteger('created_at').notNullable();
    t.index(['user_id', 'created_at']);
  });

  await knex.schema.createTable('modules', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('title', 200).notNullable();
    t.string('kind', 20).notNullable(); // 'module' | 'package'
    t.bigInteger('submitted_at').nullable();
    t.index(['user_id', 'position']);
  });

  // Session table in the shape connect-session-knex expects, so migrations own the schema.
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 255).primary();
    t.json('sess').notNullable();
    t.timestamp('expired', { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('modules');
  await knex.schema.dropTable('security_events');
  await knex.schema.dropTable('users');
}
