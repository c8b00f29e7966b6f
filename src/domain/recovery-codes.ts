import type { Knex } from 'knex';
import type { Database } from '../infra/database';
import { PATIENT_TABLES, type AccountTables } from './account-tables';
import type { Clock } from './clock';
import { createPasswordHasher, type PasswordHasher } from './passwords';
import { randomDigits, type RandomSource } from './random';

export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_LENGTH = 10;

export interface RecoveryCodeDeps {
  db: Database;
  clock: Clock;
  random: RandomSource;
  /** Shares the password hasher's limit on hashes at once; a hasher of its own when not given. */
  hasher?: PasswordHasher;
  /** Slow, salted hash of one code; the hasher's argon2id by default. */
  hashCode?: (code: string) => Promise<string>;
  verifyCode?: (hash: string, code: string) => Promise<boolean>;
  /** Whose codes: patients' by default, or staff's. */
  tables?: AccountTables;
}

/** '3937693737' → '39376 93737' */
export function formatRecoveryCode(code: string): string {
  return `${code.slice(0, 5)} ${code.slice(5)}`;
}

/** The 10 digits of what a patient typed (spaces and dashes allowed), or null. */
export function normalizeRecoveryCode(input: string): string | null {
  const digits = input.replace(/[\s\-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

export type RecoveryCodes = ReturnType<typeof createRecoveryCodes>;

/** One-time recovery codes, each stored under its own salted argon2id hash. */
export function createRecoveryCodes(deps: RecoveryCodeDeps) {
  const { db, clock, random } = deps;
  const { recoveryCodes: TABLE, key } = deps.tables ?? PATIENT_TABLES;
  const hasher = deps.hashCode && deps.verifyCode ? undefined : (deps.hasher ?? createPasswordHasher());
  const hashCode = deps.hashCode ?? ((code: string) => hasher!.hash(code));
  const verifyCode = deps.verifyCode ?? ((hash: string, code: string) => hasher!.verify(hash, code));

  return {
    /** Ten distinct codes of ten digits from the CSPRNG. */
    generate(): string[] {
      const codes = new Set<string>();
      while (codes.size < RECOVERY_CODE_COUNT) codes.add(randomDigits(random, RECOVERY_CODE_LENGTH));
      return [...codes];
    },

    formatForDisplay: (code: string): string => formatRecoveryCode(code),
    normalize: (input: string): string | null => normalizeRecoveryCode(input),

    hashAll(codes: string[]): Promise<string[]> {
      return Promise.all(codes.map((code) => hashCode(code)));
    },

    /** Replaces all of the user's codes; pass a transaction to make it part of a larger change. */
    async replaceForUser(trx: Knex | Knex.Transaction, userId: number, hashes: string[]): Promise<void> {
      await trx(TABLE).where(key, userId).delete();
      if (hashes.length === 0) return;
      const now = clock.now();
      await trx(TABLE).insert(hashes.map((code_hash) => ({ [key]: userId, code_hash, used_at: null, created_at: now })));
    },

    /** Uses up the matching unused code. Under concurrent use of one code exactly one call returns true. */
    async consume(userId: number, input: string): Promise<boolean> {
      const code = normalizeRecoveryCode(input);
      if (!code) return false;
      const rows: Array<{ id: number; code_hash: string }> = await db(TABLE)
        .where(key, userId)
        .whereNull('used_at')
        .select('id', 'code_hash');
      for (const row of rows) {
        if (await verifyCode(row.code_hash, code)) {
          const updated = await db(TABLE)
            .where({ id: row.id })
            .whereNull('used_at')
            .update({ used_at: clock.now() });
          return updated === 1;
        }
      }
      return false;
    },

    async countRemaining(userId: number): Promise<number> {
      const row = await db(TABLE).where(key, userId).whereNull('used_at').count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },
  };
}
