import { databaseClient, type Database } from '../infra/database';
import { accountFields, createAccountRecords, type AccountRow, type WithMethod } from './account-records';
import { STAFF_TABLES } from './account-tables';
import type { Clock } from './clock';
import type { RandomSource } from './random';

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
  /**
   * Until when the one-time password an admin gave lets them sign in (they choose their own before
   * anything else); null when their password is their own.
   */
  oneTimePasswordUntil: number | null;
  /** Staff always sign in with two steps; null until they set it up (the app; never SMS). */
  twoFactorMethod: 'totp' | null;
  createdAt: number;
}

interface StaffRow extends AccountRow {
  role: StaffRole;
  one_time_password_until: number | string | null;
}

function toStaffMember(row: WithMethod<StaffRow>): StaffMember {
  return {
    ...accountFields(row),
    role: row.role,
    oneTimePasswordUntil: row.one_time_password_until === null ? null : Number(row.one_time_password_until),
    twoFactorMethod: row.two_factor_method === 'totp' ? 'totp' : null,
  };
}

// Letters and digits that cannot be mistaken for one another when read out or copied by hand.
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time password an admin hands over: five groups of four (about 99 bits), e.g. "k7mq-2x9d-…". */
export function oneTimePassword(random: RandomSource): string {
  const groups = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => ONE_TIME_ALPHABET[random.int(ONE_TIME_ALPHABET.length)]).join(''));
  return groups.join('-');
}

/** When a one-time password given `now` stops working: `days` later (DESK_ONE_TIME_PASSWORD_DAYS). */
export const oneTimePasswordUntil = (now: number, days: number) => now + days * 86_400_000;

/** Whether the staff member's password is their own, or a one-time one that still works or no longer does. */
export type StaffPasswordState = 'own' | 'oneTime' | 'oneTimeExpired';

/** Whether an admin gave the password (working or not): its owner chooses their own before anything else. */
export const hasOneTimePassword = (member: Pick<StaffMember, 'oneTimePasswordUntil'>) => member.oneTimePasswordUntil !== null;

export function staffPasswordState(member: Pick<StaffMember, 'oneTimePasswordUntil'>, now: number): StaffPasswordState {
  if (member.oneTimePasswordUntil === null) return 'own';
  return now < member.oneTimePasswordUntil ? 'oneTime' : 'oneTimeExpired';
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

    /** The staff member's own password: a one-time password is gone with it. */
    setOwnPassword: (id: number, passwordHash: string) =>
      records.update(id, { password_hash: passwordHash, one_time_password_until: null }),

    /** A one-time password an admin has seen, working until `until`: the staff member chooses their own at the next sign-in. */
    setOneTimePassword: (id: number, passwordHash: string, until: number) =>
      records.update(id, { password_hash: passwordHash, one_time_password_until: until }),

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
