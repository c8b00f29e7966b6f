import type { Knex } from 'knex';

// Passkeys (WebAuthn credentials), owned by src/domain/passkeys.ts. A credential belongs to one
// patient: its id is unique across the table. Challenges are kept in the session; the ones used
// are written here until they expire, so a challenge is used once however many requests race.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('passkeys', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('credential_id').notNullable().unique(); // base64url, as the browser reports it
    t.text('public_key').notNullable(); // base64url of the COSE key
    t.bigInteger('counter').notNullable().defaultTo(0); // the authenticator's sign counter
    t.string('transports', 100).nullable(); // comma-separated hints for the browser (internal, hybrid, usb, …)
    t.boolean('backup_eligible').notNullable().defaultTo(false);
    t.boolean('backed_up').notNullable().defaultTo(false);
    t.string('user_handle', 64).notNullable(); // base64url; one per patient, random, not personal data
    t.string('name', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').nullable();
    t.index(['user_id']);
  });
  await knex.schema.createTable('passkey_challenges', (t) => {
    t.string('challenge', 128).primary(); // base64url
    t.bigInteger('expires_at').notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('passkey_challenges');
  await knex.schema.dropTable('passkeys');
}
