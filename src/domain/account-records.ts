import type { Knex } from 'knex';
import type { Database } from '../infra/database';
import type { AccountTables } from './account-tables';
import type { Clock } from './clock';
import type { TwoFactorMethod } from './two-factor';

export class DuplicateEmailError extends Error {
  constructor() {
    super('An account with this e-mail address already exists');
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The columns every account table has (`users`, `staff`). */
export interface AccountRow {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  disabled: boolean | number;
  session_generation: number;
  one_time_password_until: number | string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** A row as every read returns it: with the second-step method (owned by two-factor.ts). */
export type WithMethod<Row> = Row & { two_factor_method: TwoFactorMethod | null; two_factor_phone: string | null };

/** What every account is, from its row: who, and whether and how long its sessions hold. */
export function accountFields(row: AccountRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    disabled: Boolean(row.disabled),
    sessionGeneration: row.session_generation,
    /**
     * Until when the one-time password the clinic gave works (its owner chooses their own before
     * anything else); null when the password is the account's own.
     */
    oneTimePasswordUntil: row.one_time_password_until === null ? null : Number(row.one_time_password_until),
    createdAt: Number(row.created_at),
  };
}

/** `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '\'`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || (e.code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(e.message ?? ''));
}

/**
 * What the patients' store (users.ts) and the staff store (staff.ts) do alike, on their own
 * table: reads with the second-step method, inserts, and the changes every account has.
 * `reads`: where the lookup of the signed-in account on every request goes (see createReadDatabase).
 */
export function createAccountRecords<Row extends AccountRow, Account>(
  db: Database,
  clock: Clock,
  reads: Database,
  spec: { table: 'users' | 'staff'; tables: AccountTables; toAccount(row: WithMethod<Row>): Account },
) {
  const { table, tables, toAccount } = spec;
  const rows = () => db<Row>(table);
  /** Every column of the table, and the method's; results are `WithMethod<Row>`. */
  const withMethod = (on: Database): Knex.QueryBuilder =>
    on(table)
      .leftJoin(tables.twoFactor, `${tables.twoFactor}.${tables.key}`, `${table}.id`)
      .select(`${table}.*`, `${tables.twoFactor}.method as two_factor_method`, `${tables.twoFactor}.phone as two_factor_phone`);
  const update = async (id: number, changes: Partial<Row>) => {
    await rows().where('id', id).update({ ...changes, updated_at: clock.now() } as never);
  };

  /** What both stores offer as it is. */
  const shared = {
    async findById(id: number): Promise<Account | undefined> {
      const [row]: WithMethod<Row>[] = await withMethod(reads).where(`${table}.id`, id);
      return row && toAccount(row);
    },

    async findByEmail(email: string): Promise<Account | undefined> {
      const [row]: WithMethod<Row>[] = await withMethod(db).where(`${table}.email`, normalizeEmail(email));
      return row && toAccount(row);
    },

    async list(): Promise<Account[]> {
      const all: WithMethod<Row>[] = await withMethod(db).orderBy(`${table}.id`);
      return all.map(toAccount);
    },

    /** Ends every session of the account: sessions carry the generation they were created with. */
    async bumpSessionGeneration(id: number): Promise<void> {
      await rows().where('id', id).increment('session_generation', 1).update({ updated_at: clock.now() } as never);
    },

    /**
     * Disabling also ends every session (a new generation): an account enabled again must not find
     * the sessions it had, a thief's among them, working again.
     */
    async setDisabled(id: number, disabled: boolean): Promise<void> {
      const change = rows().where('id', id);
      await (disabled ? change.increment('session_generation', 1) : change).update({ disabled, updated_at: clock.now() } as never);
    },

    /** The account's own password: a one-time password is gone with it. */
    setOwnPassword: (id: number, passwordHash: string) => update(id, { password_hash: passwordHash, one_time_password_until: null } as Partial<Row>),

    /** A one-time password the clinic has seen, working until `until`: its owner chooses their own at the next sign-in. */
    setOneTimePassword: (id: number, passwordHash: string, until: number) =>
      update(id, { password_hash: passwordHash, one_time_password_until: until } as Partial<Row>),

    /**
     * Inside a transaction: holds the account's row until it ends, so a count and what depends
     * on it (at most so many passkeys) cannot interleave with another transaction's (PostgreSQL
     * waits here; SQLite has one writer anyway).
     */
    lockForChange: (id: number) => update(id, {}),

    /**
     * Inside a transaction: locks the account (see lockForChange) when its sessions are still those
     * of `seen` (read before); false when the account is gone or a change ended them meanwhile (the
     * clinic's new one-time password, disabling), whose change then stands.
     */
    async lockIfUnchanged(seen: { id: number; sessionGeneration: number }): Promise<boolean> {
      await update(seen.id, {});
      const [row]: WithMethod<Row>[] = await withMethod(reads).where(`${table}.id`, seen.id);
      return row !== undefined && row.session_generation === seen.sessionGeneration;
    },
  };

  return {
    shared,
    withMethod,

    /** A new account (e-mail lower-cased, name trimmed), without a second step yet. */
    async insert(values: Omit<Row, 'id' | 'email' | 'name' | 'disabled' | 'session_generation' | 'one_time_password_until' | 'created_at' | 'updated_at'> & Partial<Pick<Row, 'one_time_password_until'>> & { email: string; name: string }): Promise<Account> {
      const now = clock.now();
      try {
        const [row] = await rows()
          .insert({ ...values, email: normalizeEmail(values.email), name: values.name.trim(), disabled: false, session_generation: 0, created_at: now, updated_at: now } as never)
          .returning('*');
        return toAccount({ ...(row as Row), two_factor_method: null, two_factor_phone: null });
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEmailError();
        throw err;
      }
    },

    update,
  };
}
