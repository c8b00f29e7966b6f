import type { Database } from '../infra/database';
import { PATIENT_TABLES, STAFF_TABLES, type AccountTables } from './account-tables';
import { createAuditLog } from './audit';
import type { Clock } from './clock';
import type { AlertComposer } from './mail/alert-texts';
import { createMailOutbox } from './mail/mail-outbox';
import { createSecurityAlerts } from './mail/security-alerts';
import { createQuestionRecords } from './help-questions';
import { createMessageStore } from './messages';
import { createPasskeyStore } from './passkeys';
import type { PasswordHasher } from './passwords';
import type { RandomSource } from './random';
import { createRecoveryCodes } from './recovery-codes';
import { createSecondStepLockout, type LockoutSettings } from './second-step-lockout';
import type { InSecondStepTransaction } from './second-factor';
import { createSecurityNotifier } from './security-notifier';
import { createStaffStore } from './staff';
import { createStaffAuditLog, createStaffNotifier, type StaffAuditLog } from './staff-audit';
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

/** The second step of one kind of account: its recovery codes, its lock, its method. */
function secondStepStores(db: Database, deps: AccountStoreDeps, tables: AccountTables) {
  const { clock, random, hasher } = deps;
  const recoveryCodes = createRecoveryCodes({ db, clock, random, hasher, tables });
  const lockout = createSecondStepLockout({ db, clock, settings: deps.lockout, tables });
  return { recoveryCodes, lockout, twoFactor: createTwoFactorStore({ db, clock, recoveryCodes, lockout, tables }) };
}

/**
 * The stores that change a patient's account and record those changes, on `db`: the database
 * itself, or one transaction of it (see `transactionRunner`). `reads` takes the hot lookups that
 * need no transaction; inside a transaction it is the transaction itself. With them the desk's
 * (src/features/desk-*): staff accounts, the staff audit log and the questions it handles, so a
 * desk action, its record in the patient's activity and its staff audit row land together.
 */
export function createAccountStores(db: Database, deps: AccountStoreDeps, reads: Database = db) {
  const { clock } = deps;
  const audit = createAuditLog(db, clock);
  const staffAudit = createStaffAuditLog(db, clock);
  const messages = createMessageStore(db, clock);
  const users = createUserStore(db, clock, reads);
  const mailOutbox = createMailOutbox({ db, clock, random: deps.random });
  const alerts = createSecurityAlerts({ users, outbox: mailOutbox, compose: deps.composeAlert, clock });
  return {
    users,
    audit,
    messages,
    ...secondStepStores(db, deps, PATIENT_TABLES),
    mailOutbox,
    alerts,
    notifier: createSecurityNotifier({ audit, messages, alerts }),
    passkeys: createPasskeyStore(db, clock),
    staff: createStaffStore(db, clock, reads),
    staffAudit,
    ...staffSecondStepStores(db, deps, staffAudit),
    questions: createQuestionRecords(db, clock),
  };
}

/** A staff member's second step (app and recovery codes; never SMS), recorded in the staff audit log. */
function staffSecondStepStores(db: Database, deps: AccountStoreDeps, staffAudit: StaffAuditLog) {
  const stores = secondStepStores(db, deps, STAFF_TABLES);
  return {
    staffRecoveryCodes: stores.recoveryCodes,
    staffLockout: stores.lockout,
    staffTwoFactor: stores.twoFactor,
    staffPasskeys: createPasskeyStore(db, deps.clock, STAFF_TABLES),
    staffNotifier: createStaffNotifier(staffAudit),
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

/** A second-factor check's transaction, on the patients' stores or on the staff's. */
export function secondStepTransaction(inTransaction: InTransaction, kind: 'patient' | 'staff'): InSecondStepTransaction {
  return (work) =>
    inTransaction((stores) =>
      work(
        kind === 'patient'
          ? { recoveryCodes: stores.recoveryCodes, lockout: stores.lockout, notifier: stores.notifier, passkeyUses: { passkeys: stores.passkeys, notifier: stores.notifier } }
          : {
              recoveryCodes: stores.staffRecoveryCodes,
              lockout: stores.staffLockout,
              notifier: stores.staffNotifier,
              passkeyUses: { passkeys: stores.staffPasskeys, notifier: stores.staffNotifier },
            },
      ),
    );
}
