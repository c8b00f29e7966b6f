import type { Knex } from 'knex';

// The language of a development SMS, so the outbox page can mark an English text with it (lang).
// Unknown for older messages.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sms_outbox', (t) => t.string('language', 8).nullable());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sms_outbox', (t) => t.dropColumn('language'));
}
