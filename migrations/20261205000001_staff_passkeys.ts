import type { Knex } from 'knex';

// Passkeys of the desk's staff (src/domain/passkeys.ts with STAFF_TABLES): the shape of the
// patients' `passkeys`, so one store serves both. A staff passkey is an extra way past the second
// step beside the app; it never signs anyone in as a patient (and a patient's never at the desk).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staff_passkeys', (t) => {
    t.increments('id').primary();
    t.integer('staff_id').notNullable().references('id').inTable('staff').onDelete('CASCADE');
    t.text('credential_id').notNullable().unique();
    t.text('public_key').notNullable();
    t.bigInteger('counter').notNullable().defaultTo(0);
    t.string('transports', 100).nullable();
    t.boolean('backup_eligible').notNullable().defaultTo(false);
    t.boolean('backed_up').notNullable().defaultTo(false);
    t.string('user_handle', 64).notNullable();
    t.string('name', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').nullable();
    t.index(['staff_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staff_passkeys');
}
