import { databaseClient, type Database } from '../infra/database';
import { accountFields, createAccountRecords, type AccountRow, type WithMethod } from './account-records';
import { STAFF_TABLES } from './account-tables';
import type { Clock } from './clock';

/** `desk`: helps patients and answers questions; `admin`: that, and manages staff accounts. */
export type StaffRole = 'desk' | 'admin';
export const STAFF_ROLES: readonly StaffRole[] = ['desk', 'admin'];

/** The key of the PostgreSQL advisory lock behind lockActiveAdmins (any number no other lock uses). */
const ACTIVE_ADMINS_LOCK = 0x5354_4146;

export const isStaffRole = (value: unknown): value is StaffRole => typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);

/** A member of the clinic's staff: an account of the desk ("Balie"), never a patient's. */
export interface StaffMember {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  passwordHash: string;
  disabled: boolean;
  sessionGeneration: number;
  /** Until when the one-time password an admin gave works (see one-time-passwords.ts); null: their own. */
  oneTimePasswordUntil: number | null;
  /** Staff always sign in with two steps; null until they set it up (the app; never SMS). */
  twoFactorMethod: 'totp' | null;
  createdAt: number;
}

interface StaffRow extends AccountRow {
  role: StaffRole;
}

function toStaffMember(row: WithMethod<StaffRow>): StaffMember {
  return {
    ...accountFields(row),
    role: row.role,
    twoFactorMethod: row.two_factor_method === 'totp' ? 'totp' : null,
  };
}

/** A new account: with a one-time password (`oneTimePasswordUntil`, from the desk) or its owner's own (null, from the admin command). */
export interface NewStaffMember {
  email: string;
  name: string;
  role: StaffRole;
  passwordHash: string;
  oneTimePasswordUntil: number | null;
}

export type StaffStore = ReturnType<typeof createStaffStore>;

/** The clinic's staff: the only writer of `staff`. Their second step lives in the staff_* tables (account-tables.ts). */
export function createStaffStore(db: Database, clock: Clock, reads: Database = db) {
  const records = createAccountRecords<StaffRow, StaffMember>(db, clock, reads, { table: 'staff', tables: STAFF_TABLES, toAccount: toStaffMember });

  return {
    ...records.shared,

    /** `oneTimePasswordUntil`: the password is a one-time one that an admin has seen, working until then. */
    create(input: NewStaffMember): Promise<StaffMember> {
      const { email, name, role, passwordHash, oneTimePasswordUntil: until } = input;
      return records.insert({ email, name, role, password_hash: passwordHash, one_time_password_until: until });
    },

    setRole: (id: number, role: StaffRole) => records.update(id, { role }),

    /**
     * The ids of the active admins. In a transaction on PostgreSQL it first takes one lock held
     * until the transaction ends, so two admins taking each other's rights at once are served one
     * after the other and the second sees the first's change. One lock, not the admins' rows
     * `FOR UPDATE`: a row lock kept on an admin demoted meanwhile could deadlock with a change of
     * that row. SQLite's single connection runs transactions one at a time.
     */
    async lockActiveAdmins(): Promise<number[]> {
      if (databaseClient(db) === 'postgres') await db.raw('select pg_advisory_xact_lock(?)', [ACTIVE_ADMINS_LOCK]);
      const rows: Array<{ id: number }> = await db('staff').where({ role: 'admin', disabled: false }).orderBy('id').select('id');
      return rows.map((row) => row.id);
    },
  };
}
