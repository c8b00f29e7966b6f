import type { Database } from '../infra/database';
import { createAuditLog } from './audit';
import type { Clock } from './clock';
import type { AlertComposer } from './mail/alert-texts';
import { createMailOutbox } from './mail/mail-outbox';
import { createSecurityAlerts } from './mail/security-alerts';
import { createMessageStore } from './messages';
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
  /** Writes security alerts for the mail outbox, in the patient's language. */
  composeAlert: AlertComposer;
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
  const users = createUserStore(db, clock, reads);
  const mailOutbox = createMailOutbox({ db, clock, random });
  const alerts = createSecurityAlerts({ users, outbox: mailOutbox, compose: deps.composeAlert, clock });
  return {
    users,
    audit,
    messages,
    recoveryCodes,
    lockout,
    twoFactor: createTwoFactorStore({ db, clock, recoveryCodes, lockout }),
    mailOutbox,
    alerts,
    notifier: createSecurityNotifier({ audit, messages, alerts }),
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
