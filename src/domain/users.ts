import type { Database } from '../infra/database';
import type { Clock } from './clock';
import type { TwoFactorMethod } from './two-factor';

export interface User {
  id: number;
  email: string;
  name: string;
  passwordHash: string;
  disabled: boolean;
  sessionGeneration: number;
  twoFactorMethod: TwoFactorMethod | null;
  twoFactorPhone: string | null;
  createdAt: number;
}

interface UserRow {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  disabled: boolean | number;
  session_generation: number;
  created_at: number | string;
  updated_at: number | string;
}

/** A user with their second-step method, as every read returns them. */
type UserWithMethod = UserRow & { two_factor_method: TwoFactorMethod | null; two_factor_phone: string | null };

export class DuplicateEmailError extends Error {
  constructor() {
    super('A user with this e-mail address already exists');
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Deliberately simple: one @, something on both sides, a dot in the domain, no spaces.
export function isPlausibleEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
}

function toUser(row: UserWithMethod): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    disabled: Boolean(row.disabled),
    sessionGeneration: row.session_generation,
    twoFactorMethod: row.two_factor_method ?? null,
    twoFactorPhone: row.two_factor_phone ?? null,
    createdAt: Number(row.created_at),
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

/**
 * Who the patient is: the only writer of `users`. Reads bring the patient's second-step method
 * along (owned by two-factor.ts). `reads`: where the lookup of the signed-in patient on every
 * request goes (see createReadDatabase).
 */
export function createUserStore(db: Database, clock: Clock, reads: Database = db) {
  const users = () => db<UserRow>('users');
  const withMethod = (on: Database) =>
    on('users')
      .leftJoin('two_factor_settings', 'two_factor_settings.user_id', 'users.id')
      .select<UserWithMethod[]>('users.*', 'two_factor_settings.method as two_factor_method', 'two_factor_settings.phone as two_factor_phone');

  return {
    async findById(id: number): Promise<User | undefined> {
      const [row] = await withMethod(reads).where('users.id', id);
      return row && toUser(row);
    },

    async findByEmail(email: string): Promise<User | undefined> {
      const [row] = await withMethod(db).where('users.email', normalizeEmail(email));
      return row && toUser(row);
    },

    async create(input: { email: string; name: string; passwordHash: string }): Promise<User> {
      const now = clock.now();
      try {
        const [row] = await users()
          .insert({
            email: normalizeEmail(input.email),
            name: input.name.trim(),
            password_hash: input.passwordHash,
            disabled: false,
            session_generation: 0,
            created_at: now,
            updated_at: now,
          })
          .returning('*');
        return toUser({ ...(row as UserRow), two_factor_method: null, two_factor_phone: null });
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEmailError();
        throw err;
      }
    },

    async list(): Promise<User[]> {
      return (await withMethod(db).orderBy('users.id')).map(toUser);
    },

    /** Ends every session of the user: sessions carry the generation they were created with. */
    async bumpSessionGeneration(id: number): Promise<void> {
      await users().where({ id }).increment('session_generation', 1).update({ updated_at: clock.now() } as Partial<UserRow>);
    },

    async setPasswordHash(id: number, passwordHash: string): Promise<void> {
      await users().where({ id }).update({ password_hash: passwordHash, updated_at: clock.now() } as Partial<UserRow>);
    },

    async setDisabled(id: number, disabled: boolean): Promise<void> {
      await users().where({ id }).update({ disabled, updated_at: clock.now() } as Partial<UserRow>);
    },
  };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || (e.code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(e.message ?? ''));
}
