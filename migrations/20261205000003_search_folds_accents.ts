import type { Knex } from 'knex';

// The desk's search ignores accents as well as case: "ozturk" finds "Öztürk" (staff type names as
// they hear them). Written with the name by src/domain/users.ts (searchableText), which this
// backfill does the same way; undoing it writes the earlier form (lower case only) back.
const foldAccents = (name: string) => name.trim().normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').toLowerCase();
const lowerCaseOnly = (name: string) => name.trim().normalize('NFC').toLowerCase();

async function rewrite(knex: Knex, form: (name: string) => string): Promise<void> {
  const users: Array<{ id: number; name: string }> = await knex('users').select('id', 'name');
  for (const { id, name } of users) await knex('users').where({ id }).update({ name_search: form(name) });
}

export const up = (knex: Knex) => rewrite(knex, foldAccents);
export const down = (knex: Knex) => rewrite(knex, lowerCaseOnly);
