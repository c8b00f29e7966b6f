import type { Database } from '../infra/database';
import type { Clock } from './clock';
import type { RecoveryCodes } from './recovery-codes';

export type TwoFactorMethod = 'sms' | 'totp';

export type TwoFactorStatus =
  | { enabled: false }
  | { enabled: true; method: TwoFactorMethod; phone: string | null; enabledAt: number; recoveryCodesLeft: number };

export interface TwoFactorStoreDeps {
  db: Database;
  clock: Clock;
  recoveryCodes: RecoveryCodes;
}

export class UnknownUserError extends Error {
  constructor() {
    super('No such user');
  }
}

export type TwoFactorStore = ReturnType<typeof createTwoFactorStore>;

/** The user's second-step settings, and the changes that must land together with their recovery codes. */
export function createTwoFactorStore(deps: TwoFactorStoreDeps) {
  const { db, clock, recoveryCodes } = deps;

  return {
    async status(userId: number): Promise<TwoFactorStatus> {
      const row = await db('users')
        .where({ id: userId })
        .first('two_factor_method', 'two_factor_phone', 'two_factor_enabled_at');
      if (!row?.two_factor_method) return { enabled: false };
      return {
        enabled: true,
        method: row.two_factor_method as TwoFactorMethod,
        phone: row.two_factor_phone ?? null,
        enabledAt: Number(row.two_factor_enabled_at),
        recoveryCodesLeft: await recoveryCodes.countRemaining(userId),
      };
    },

    /** Turns on SMS as second step with these (plain) recovery codes, all in one transaction. */
    async enableSms(userId: number, phone: string, codes: string[]): Promise<void> {
      const hashes = await recoveryCodes.hashAll(codes); // slow: before the transaction, not inside it
      const now = clock.now();
      await db.transaction(async (trx) => {
        const updated = await trx('users').where({ id: userId }).update({
          two_factor_method: 'sms',
          two_factor_phone: phone,
          two_factor_enabled_at: now,
          second_step_failures: 0,
          second_step_locked_until: null,
          updated_at: now,
        });
        if (updated !== 1) throw new UnknownUserError();
        await recoveryCodes.replaceForUser(trx, userId, hashes);
      });
    },

    /** The new number replaces the old one only now, after it was verified. */
    async changePhone(userId: number, phone: string): Promise<void> {
      await db('users').where({ id: userId }).update({ two_factor_phone: phone, updated_at: clock.now() });
    },

    /** New recovery codes; the old ones stop working in the same transaction. */
    async replaceRecoveryCodes(userId: number, codes: string[]): Promise<void> {
      const hashes = await recoveryCodes.hashAll(codes);
      await db.transaction((trx) => recoveryCodes.replaceForUser(trx, userId, hashes));
    },

    /** Turns the second step off: no method, no number, no recovery or verification codes left. */
    async disable(userId: number): Promise<void> {
      const now = clock.now();
      await db.transaction(async (trx) => {
        await trx('users').where({ id: userId }).update({
          two_factor_method: null,
          two_factor_phone: null,
          two_factor_enabled_at: null,
          second_step_failures: 0,
          second_step_locked_until: null,
          updated_at: now,
        });
        await trx('recovery_codes').where({ user_id: userId }).delete();
        await trx('verification_codes').where({ user_id: userId }).delete();
      });
    },
  };
}
