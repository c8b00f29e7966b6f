import type { Database } from '../infra/database';
import { PATIENT_TABLES, type AccountTables } from './account-tables';
import type { Clock } from './clock';
import type { HashedRecoveryCodes, RecoveryCodes } from './recovery-codes';
import type { SecondStepLockout } from './second-step-lockout';

/**
 * 'passkey': the patient's passkeys are their only way; with 'sms' or 'totp' they may have passkeys
 * as well. Staff only ever have 'totp' (neither SMS nor passkeys are offered to them).
 */
export type TwoFactorMethod = 'sms' | 'totp' | 'passkey';

export type TwoFactorStatus =
  | { enabled: false }
  | { enabled: true; method: TwoFactorMethod; phone: string | null; enabledAt: number; recoveryCodesLeft: number };

export interface TwoFactorStoreDeps {
  db: Database;
  clock: Clock;
  recoveryCodes: RecoveryCodes;
  /** Turning two-step on or off starts the second step's failure count afresh. */
  lockout: SecondStepLockout;
  /** Whose second step: patients' by default, or staff's. */
  tables?: AccountTables;
}

export class UnknownUserError extends Error {
  constructor() {
    super('No such user');
  }
}

/** A change to two-step for a user whose two-step is off, no longer uses that method, or has that change already (changed meanwhile): nothing changed. */
export class TwoFactorOffError extends Error {
  constructor() {
    super('Two-step is off for this user');
  }
}

// The columns of each method; switching sets one method's and clears the other's.
const NO_SMS = { phone: null };
const NO_TOTP = { totp_secret_encrypted: null, totp_last_step: null };

const isForeignKeyViolation = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return e.code === '23503' || (e.code === 'SQLITE_CONSTRAINT' && /FOREIGN KEY/.test(e.message ?? ''));
};

/** Plain recovery codes, or codes hashed already (see RecoveryCodes.hashForStorage). */
export type RecoveryCodeInput = string[] | HashedRecoveryCodes;

export type TwoFactorStore = ReturnType<typeof createTwoFactorStore>;

/**
 * The patient's second-step method (the only writer of `two_factor_settings`: a row while two-step
 * is on), and the changes that must land together with their recovery codes.
 */
export function createTwoFactorStore(deps: TwoFactorStoreDeps) {
  const { db, clock, recoveryCodes, lockout } = deps;
  const tables = deps.tables ?? PATIENT_TABLES;
  const { key } = tables;
  const settings = (on: Database = db) => on(tables.twoFactor);

  /** Plain codes are hashed here (slow: before the transaction); inside a larger one, pass them hashed. */
  const hashesOf = async (codes: RecoveryCodeInput) => (Array.isArray(codes) ? recoveryCodes.hashAll(codes) : codes.hashes);

  async function enable(userId: number, method: Record<string, unknown>, codes: RecoveryCodeInput): Promise<void> {
    const hashes = await hashesOf(codes);
    const now = clock.now();
    await db.transaction(async (trx) => {
      try {
        await settings(trx).insert({ [key]: userId, ...method, enabled_at: now, updated_at: now }).onConflict(key).merge();
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new UnknownUserError();
        throw err;
      }
      await recoveryCodes.replaceForUser(trx, userId, hashes);
      await lockout.clear(userId, trx);
    });
  }

  async function switchMethod(userId: number, method: Record<string, unknown>): Promise<void> {
    const updated = await settings().where(key, userId).update({ ...method, updated_at: clock.now() });
    if (updated !== 1) throw new TwoFactorOffError();
  }

  return {
    async status(userId: number): Promise<TwoFactorStatus> {
      const row = await settings().where(key, userId).first('method', 'phone', 'enabled_at');
      if (!row) return { enabled: false };
      return {
        enabled: true,
        method: row.method as TwoFactorMethod,
        phone: row.phone ?? null,
        enabledAt: Number(row.enabled_at),
        recoveryCodesLeft: await recoveryCodes.countRemaining(userId),
      };
    },

    /** Turns on SMS as second step with these (plain) recovery codes, all in one transaction. */
    enableSms(userId: number, phone: string, codes: RecoveryCodeInput): Promise<void> {
      return enable(userId, { method: 'sms', phone, ...NO_TOTP }, codes);
    },

    /**
     * Turns on the authenticator app with its encrypted secret and these (plain) recovery codes,
     * in one transaction. `verifiedStep` is the time step of the code that proved the pairing,
     * so that code cannot be used again to sign in.
     */
    enableTotp(userId: number, encryptedSecret: string, codes: RecoveryCodeInput, verifiedStep: number | null = null): Promise<void> {
      return enable(userId, { method: 'totp', totp_secret_encrypted: encryptedSecret, totp_last_step: verifiedStep, ...NO_SMS }, codes);
    },

    /**
     * Turns on passkeys as the second step, with these recovery codes (hashed before: this runs
     * inside the transaction that adds the first passkey). False, and nothing changed, when
     * two-step was on already.
     */
    async enablePasskey(userId: number, recoveryCodeHashes: string[]): Promise<boolean> {
      const now = clock.now();
      return db.transaction(async (trx) => {
        const inserted = await settings(trx)
          .insert({ user_id: userId, method: 'passkey', ...NO_SMS, ...NO_TOTP, enabled_at: now, updated_at: now })
          .onConflict('user_id')
          .ignore()
          .returning('user_id')
          .catch((err: unknown) => {
            throw isForeignKeyViolation(err) ? new UnknownUserError() : err;
          });
        if (inserted.length === 0) return false;
        await recoveryCodes.replaceForUser(trx, userId, recoveryCodeHashes);
        await lockout.clear(userId, trx);
        return true;
      });
    },

    /**
     * The current method, with the settings row locked for the rest of the transaction `db` is
     * (on PostgreSQL), so changes that depend on it run one after the other.
     */
    async lockMethod(userId: number): Promise<TwoFactorMethod | null> {
      const updated = await settings().where({ user_id: userId }).update({ updated_at: clock.now() });
      if (updated !== 1) return null;
      const row = await settings().where({ user_id: userId }).first('method');
      return (row?.method as TwoFactorMethod | undefined) ?? null;
    },

    /** From SMS (or a re-paired app) to this app, once a code from it was verified. Recovery codes stay. */
    switchToTotp(userId: number, encryptedSecret: string, verifiedStep: number | null = null): Promise<void> {
      return switchMethod(userId, { method: 'totp', totp_secret_encrypted: encryptedSecret, totp_last_step: verifiedStep, ...NO_SMS });
    },

    /** From the app to SMS on this number, once a code sent to it was verified. Recovery codes stay. */
    switchToSms(userId: number, phone: string): Promise<void> {
      return switchMethod(userId, { method: 'sms', phone, ...NO_TOTP });
    },

    /** The user's TOTP secret as stored (sealed), or null when the app is not their method. */
    async encryptedTotpSecret(userId: number): Promise<string | null> {
      const row = await settings().where({ [key]: userId, method: 'totp' }).first('totp_secret_encrypted');
      return row?.totp_secret_encrypted ?? null;
    },

    /**
     * Marks a time step as used. Only a step later than the last accepted one is taken, in one
     * statement: of two requests with the same code exactly one gets true.
     */
    async claimTotpStep(userId: number, step: number): Promise<boolean> {
      const updated = await settings()
        .where(key, userId)
        .andWhere((q) => void q.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
        .update({ totp_last_step: step });
      return updated === 1;
    },

    /**
     * The new number replaces the old one only now, after it was verified. TwoFactorOffError
     * (nothing changed) when SMS is no longer the method, or this number is its number already.
     */
    async changePhone(userId: number, phone: string): Promise<void> {
      const updated = await settings().where({ [key]: userId, method: 'sms' }).whereNot({ phone }).update({ phone, updated_at: clock.now() });
      if (updated !== 1) throw new TwoFactorOffError();
    },

    /**
     * New recovery codes; the old ones stop working in the same transaction. Throws
     * TwoFactorOffError (nothing changed) when two-step was turned off meanwhile.
     */
    async replaceRecoveryCodes(userId: number, codes: RecoveryCodeInput): Promise<void> {
      const hashes = await hashesOf(codes);
      await db.transaction(async (trx) => {
        // The settings row first: on PostgreSQL that locks it, so two renewals at once (a double
        // click) run one after the other and the second deletes the first's codes. Without it
        // both deletes miss the other's uncommitted inserts and the patient ends up with 20 codes.
        const updated = await settings(trx).where(key, userId).update({ updated_at: clock.now() });
        if (updated !== 1) throw new TwoFactorOffError();
        await recoveryCodes.replaceForUser(trx, userId, hashes);
      });
    },

    /**
     * Turns the second step off: no method, no number, no recovery or verification codes and no
     * passkeys left (a passkey is a second step too).
     * True when it was on; of two calls at once exactly one gets true (the row lock orders them).
     */
    async disable(userId: number): Promise<boolean> {
      return db.transaction(async (trx) => {
        const deleted = await settings(trx).where(key, userId).delete();
        await trx(tables.recoveryCodes).where(key, userId).delete();
        if (tables.verificationCodes) await trx(tables.verificationCodes).where(key, userId).delete();
        if (tables.passkeys) await trx(tables.passkeys).where(key, userId).delete();
        await lockout.clear(userId, trx);
        return deleted === 1;
      });
    },
  };
}
