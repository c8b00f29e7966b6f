import type { Knex } from 'knex';

// The patient's name as the desk searches it: lower-cased by Unicode's rules (JavaScript's), in
// NFC. SQLite's LOWER() and LIKE fold A–Z only, so "Öztürk" was not found by "öztürk". Written
// with the name by src/domain/users.ts (searchableText), which this backfill does the same way.
//
// Outside a transaction for the same reason as 20261203000001: undoing it drops a column, which
// SQLite does by copying the table, and that must not cascade.
export const config = { transaction: false };
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('name_search');
  });
  const users: Array<{ id: number; name: string }> = await knex('users').select('id', 'name');
  for (const { id, name } of users) {
    await knex('users').where({ id }).update({ name_search: name.trim().normalize('NFC').toLowerCase() });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('name_search');
  });
}
