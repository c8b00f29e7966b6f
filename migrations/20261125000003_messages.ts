import type { Knex } from 'knex';

// The patient's "Berichten" inbox. Texts come from the locale files by kind, so the inbox can be
// shown in the patient's language; params hold what the text needs (never secrets).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('messages', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('kind', 60).notNullable();
    t.text('params').nullable(); // JSON
    t.bigInteger('created_at').notNullable();
    t.bigInteger('read_at').nullable();
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('messages');
}
