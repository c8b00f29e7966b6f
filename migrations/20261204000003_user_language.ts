import type { Knex } from 'knex';

// The language the patient chose (the footer link), for what the app sends them outside a page:
// security alerts by e-mail. Dutch until they choose.
//
// Outside a transaction for the same reason as 20261203000001: undoing it drops a column, which
// SQLite does by copying the table, and that must not cascade.
export const config = { transaction: false };
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('language', 5).notNullable().defaultTo('nl');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('language');
  });
}
