import type { Knex } from 'knex';

// The authenticator-app method (TOTP). The secret is stored only encrypted (AES-256-GCM, see
// src/domain/secret-box.ts); totp_last_step is the last accepted time step, so a code is
// accepted once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('totp_secret_encrypted').nullable();
    t.bigInteger('totp_last_step').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('totp_last_step');
    t.dropColumn('totp_secret_encrypted');
  });
}
