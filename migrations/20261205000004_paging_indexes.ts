import type { Knex } from 'knex';

// Berichten and Beveiligingsactiviteit page back by id (`?voor=`): a patient's rows older than one.
const TABLES = ['messages', 'security_events'];

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.schema.alterTable(table, (t) => t.index(['user_id', 'id']));
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.schema.alterTable(table, (t) => t.dropIndex(['user_id', 'id']));
}
