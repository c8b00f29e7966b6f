import type { Knex } from 'knex';

// Whether the SMS of a live code may not have gone out (the provider did not answer in time), so
// that the code page, opened again, says the SMS may still come instead of that it was sent.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('verification_codes', (t) => t.boolean('delivery_unsure').notNullable().defaultTo(false));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('verification_codes', (t) => t.dropColumn('delivery_unsure'));
}
