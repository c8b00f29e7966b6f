import type { Knex } from 'knex';

// The language of the Vragenformulier's page a question was typed on, so the desk's pages in the
// other language can mark the question's text with it (lang). Unknown for older questions.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('help_questions', (t) => t.string('language', 8).nullable());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('help_questions', (t) => t.dropColumn('language'));
}
