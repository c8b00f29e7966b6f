import type { Knex } from 'knex';

// Forms whose success moved the session to a new id, kept for half a minute so that a repeat of
// the form that reaches another instance is sent on to where the first led (src/http/moved-forms.ts).
// A session store's table, as sessions and desk_sessions are; used with PostgreSQL (several instances).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('moved_forms', (t) => {
    t.string('sid', 255).primary();
    t.json('sess').notNullable();
    t.timestamp('expired', { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('moved_forms');
}
