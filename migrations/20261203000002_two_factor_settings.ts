import type { Knex } from 'knex';

// A patient's second-step method in a table of its own, written only by src/domain/two-factor.ts;
// `users` keeps who the patient is. A row exists while two-step is on.
//
// Outside a transaction for the same reason as 20261203000001: SQLite drops columns by copying
// the table, which must not cascade.
export const config = { transaction: false };

const MOVED = ['two_factor_method', 'two_factor_phone', 'two_factor_enabled_at', 'totp_secret_encrypted', 'totp_last_step'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('two_factor_settings', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.string('method', 10).notNullable(); // 'sms' | 'totp'
    t.string('phone', 20).nullable(); // E.164, with SMS
    t.text('totp_secret_encrypted').nullable(); // with the app: AES-256-GCM, see src/domain/secret-box.ts
    t.bigInteger('totp_last_step').nullable(); // the last accepted time step: a code is accepted once
    t.bigInteger('enabled_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.raw(
    `INSERT INTO two_factor_settings (user_id, method, phone, totp_secret_encrypted, totp_last_step, enabled_at, updated_at)
     SELECT id, two_factor_method, two_factor_phone, totp_secret_encrypted, totp_last_step, COALESCE(two_factor_enabled_at, updated_at), updated_at
     FROM users WHERE two_factor_method IS NOT NULL`,
  );
  await knex.schema.alterTable('users', (t) => {
    for (const column of MOVED) t.dropColumn(column);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('two_factor_method', 10).nullable();
    t.string('two_factor_phone', 20).nullable();
    t.bigInteger('two_factor_enabled_at').nullable();
    t.text('totp_secret_encrypted').nullable();
    t.bigInteger('totp_last_step').nullable();
  });
  const from = (column: string) => `(SELECT ${column} FROM two_factor_settings s WHERE s.user_id = users.id)`;
  await knex.raw(
    `UPDATE users SET two_factor_method = ${from('method')}, two_factor_phone = ${from('phone')},
       two_factor_enabled_at = ${from('enabled_at')}, totp_secret_encrypted = ${from('totp_secret_encrypted')},
       totp_last_step = ${from('totp_last_step')}`,
  );
  await knex.schema.dropTable('two_factor_settings');
}
