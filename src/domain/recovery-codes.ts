import type { Knex } from 'knex';
import type { Database } from '../infra/database';
import { PATIENT_TABLES, type AccountTables } from './account-tables';
import type { Clock } from './clock';
import { createPasswordHasher, type PasswordHasher } from './passwords';
import { randomDigits, type RandomSource } from './random';
import { normalizeCodeInput } from './verification-codes';

const RECOVERY_CODE_COUNT = 10;
const RECOVERY_CODE_LENGTH = 10;
/** From this many left, the patient is urged to make new ones (after a use, in Berichten, by e-mail). */
export const FEW_RECOVERY_CODES_LEFT = 3;

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

/** The 10 digits of what a patient typed (spaces, dashes and dots allowed, as in an SMS code), or null. */
export function normalizeRecoveryCode(input: string): string | null {
  const digits = normalizeCodeInput(input);
  return /^\d{10}$/.test(digits) ? digits : null;
}

/** Recovery codes hashed already, so that storing them inside a transaction is quick. */
export interface HashedRecoveryCodes {
  hashes: string[];
}

export type RecoveryCodes = ReturnType<typeof createRecoveryCodes>;

/** One-time recovery codes, each stored under its own salted argon2id hash. */
export function createRecoveryCodes(deps: RecoveryCodeDeps) {
  const { db, clock, random } = deps;
  const { recoveryCodes: TABLE, key } = deps.tables ?? PATIENT_TABLES;
  const hasher = deps.hashCode && deps.verifyCode ? undefined : (deps.hasher ?? createPasswordHasher());
  const hashCode = deps.hashCode ?? ((code: string) => hasher!.hash(code));
  const verifyCode = deps.verifyCode ?? ((hash: string, code: string) => hasher!.verify(hash, code));

  const hashAll = (codes: string[]): Promise<string[]> => Promise.all(codes.map((code) => hashCode(code)));

  /**
   * The id of the unused code that matches, or null. Slow (a hash per code) and writes nothing:
   * run it before a transaction, then `use` the code inside it.
   */
  async function findUnused(userId: number, input: string): Promise<number | null> {
    const code = normalizeRecoveryCode(input);
    if (!code) return null;
    const rows: Array<{ id: number; code_hash: string }> = await db(TABLE)
      .where(key, userId)
      .whereNull('used_at')
      .select('id', 'code_hash');
    for (const row of rows) {
      if (await verifyCode(row.code_hash, code)) return row.id;
    }
    return null;
  }

  /** Marks a code found by `findUnused` used. Under concurrent use of one code exactly one call returns true. */
  async function use(id: number): Promise<boolean> {
    return (await db(TABLE).where({ id }).whereNull('used_at').update({ used_at: clock.now() })) === 1;
  }

  return {
    /** Ten distinct codes of ten digits from the CSPRNG. */
    generate(): string[] {
      const codes = new Set<string>();
      while (codes.size < RECOVERY_CODE_COUNT) codes.add(randomDigits(random, RECOVERY_CODE_LENGTH));
      return [...codes];
    },

    formatForDisplay: (code: string): string => formatRecoveryCode(code),
    normalize: (input: string): string | null => normalizeRecoveryCode(input),

    hashAll,

    /** The codes hashed for storing (slow): before a transaction, for the two-factor store to store inside it. */
    async hashForStorage(codes: string[]): Promise<HashedRecoveryCodes> {
      return { hashes: await hashAll(codes) };
    },

    /** Replaces all of the user's codes; pass a transaction to make it part of a larger change. */
    async replaceForUser(trx: Knex | Knex.Transaction, userId: number, hashes: string[]): Promise<void> {
      await trx(TABLE).where(key, userId).delete();
      if (hashes.length === 0) return;
      const now = clock.now();
      await trx(TABLE).insert(hashes.map((code_hash) => ({ [key]: userId, code_hash, used_at: null, created_at: now })));
    },

    findUnused,
    use,

    /** Uses up the matching unused code. Under concurrent use of one code exactly one call returns true. */
    async consume(userId: number, input: string): Promise<boolean> {
      const id = await findUnused(userId, input);
      return id !== null && (await use(id));
    },

    /**
     * Whether the code stored under `codeHash` is still one of the account's, used or not: the set
     * it came with has not been replaced or removed (two-step turned off) since.
     */
    async isCurrent(userId: number, codeHash: string): Promise<boolean> {
      return (await db(TABLE).where({ [key]: userId, code_hash: codeHash }).first('id')) !== undefined;
    },

    async countRemaining(userId: number): Promise<number> {
      const row = await db(TABLE).where(key, userId).whereNull('used_at').count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },
  };
}
