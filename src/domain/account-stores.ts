import type { Database } from '../infra/database';
import { createAuditLog } from './audit';
import type { Clock } from './clock';
import { createMessageStore } from './messages';
import { createPasskeyStore } from './passkeys';
import type { PasswordHasher } from './passwords';
import type { RandomSource } from './random';
import { createRecoveryCodes } from './recovery-codes';
import { createSecondStepLockout, type LockoutSettings } from './second-step-lockout';
import { createSecurityNotifier } from './security-notifier';
import { createTwoFactorStore } from './two-factor';
import { createUserStore } from './users';

export interface AccountStoreDeps {
  clock: Clock;
  random: RandomSource;
  /** The password hasher: recovery codes share its limit on hashes at once, in every set of stores. */
  hasher: PasswordHasher;
  lockout: LockoutSettings;
}

/**
 * The stores that change a patient's account and record those changes, on `db`: the database
 * itself, or one transaction of it (see `transactionRunner`). `reads` takes the hot lookups that
 * need no transaction; inside a transaction it is the transaction itself.
 */
export function createAccountStores(db: Database, deps: AccountStoreDeps, reads: Database = db) {
  const { clock, random, hasher } = deps;
  const audit = createAuditLog(db, clock);
  const messages = createMessageStore(db, clock);
  const recoveryCodes = createRecoveryCodes({ db, clock, random, hasher });
  const lockout = createSecondStepLockout({ db, clock, settings: deps.lockout });
  return {
    users: createUserStore(db, clock, reads),
    audit,
    messages,
    recoveryCodes,
    lockout,
    twoFactor: createTwoFactorStore({ db, clock, recoveryCodes, lockout }),
    notifier: createSecurityNotifier({ audit, messages }),
    passkeys: createPasskeyStore(db, clock),
  };
}

export type AccountStores = ReturnType<typeof createAccountStores>;

/**
 * Runs `work` in one database transaction, with the account stores on that transaction: what it
 * writes is committed together, or (when it throws) not at all.
 *
 * Inside `work`, use only the stores it is given. A store on the database itself waits for a free
 * connection, and SQLite has just one, held by this transaction: that would wait until knex gives
 * up. Do slow work (password or recovery-code hashing, sending an SMS) before, not inside.
 */
export type InTransaction = <T>(work: (stores: AccountStores) => Promise<T>) => Promise<T>;

export function transactionRunner(db: Database, storesOn: (db: Database) => AccountStores): InTransaction {
  return (work) => db.transaction((trx) => work(storesOn(trx)));
}
