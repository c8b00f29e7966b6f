import type { Database } from '../../src/infra/database';

/** The patient's second-step columns as stored (`two_factor_settings`), all null while two-step is off. */
export async function twoFactorRow(db: Database, userId: number) {
  const row = await db('two_factor_settings').where({ user_id: userId }).first();
  return {
    two_factor_method: row?.method ?? null,
    two_factor_phone: row?.phone ?? null,
    two_factor_enabled_at: row?.enabled_at ?? null,
    totp_secret_encrypted: row?.totp_secret_encrypted ?? null,
    totp_last_step: row?.totp_last_step ?? null,
  };
}
