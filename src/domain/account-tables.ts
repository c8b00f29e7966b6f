/**
 * Where one kind of account keeps its sign-in security: patients (`users`) and the clinic's staff
 * (`staff`, see src/domain/staff.ts) have tables of the same shape, so one store of each kind
 * (two-factor.ts, recovery-codes.ts, second-step-lockout.ts) serves both, given these names.
 */
export interface AccountTables {
  /** The column that names the account in every table below. */
  key: 'user_id' | 'staff_id';
  twoFactor: string;
  recoveryCodes: string;
  lockouts: string;
  /** SMS codes on their way: patients only (SMS is never a second step for staff). */
  verificationCodes?: string;
  passkeys?: string;
}

export const PATIENT_TABLES: AccountTables = {
  key: 'user_id',
  twoFactor: 'two_factor_settings',
  recoveryCodes: 'recovery_codes',
  lockouts: 'second_step_lockouts',
  verificationCodes: 'verification_codes',
  passkeys: 'passkeys',
};

export const STAFF_TABLES: AccountTables = {
  key: 'staff_id',
  twoFactor: 'staff_two_factor_settings',
  recoveryCodes: 'staff_recovery_codes',
  lockouts: 'staff_second_step_lockouts',
  passkeys: 'staff_passkeys',
};
