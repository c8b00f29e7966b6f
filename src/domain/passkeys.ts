import type { Database } from '../infra/database';
import { PATIENT_TABLES, type AccountTables } from './account-tables';
import type { Clock } from './clock';

/** A patient's (or staff member's) passkey as stored (src/domain/passkey-ceremonies.ts makes and checks them). */
export interface Passkey {
  id: number;
  userId: number;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  userHandle: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What a verified registration gives: everything but the name and the times. */
export type NewPasskey = Pick<Passkey, 'credentialId' | 'publicKey' | 'counter' | 'transports' | 'backupEligible' | 'backedUp' | 'userHandle'>;

/** An account keeps at most this many passkeys: the list stays readable, the table bounded. */
export const MAX_PASSKEYS_PER_ACCOUNT = 10;

/** The account has MAX_PASSKEYS_PER_ACCOUNT already: nothing added. */
export class PasskeyLimitError extends Error {
  constructor() {
    super('This account has the most passkeys allowed');
  }
}

/** The credential is registered already (to this patient or, in theory, another one): nothing added. */
export class DuplicatePasskeyError extends Error {
  constructor() {
    super('This passkey is registered already');
  }
}

/** The account has a passkey of that name already (see nameTaken): nothing added or renamed. */
export class PasskeyNameTakenError extends Error {
  constructor() {
    super('This account has a passkey of that name already');
  }
}

/** A name as compared: letter case and spaces do not tell two passkeys apart to the person who reads their list. */
const comparable = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Whether `name` is that of one of `passkeys` already. The passkey being renamed (`renaming`)
 * may keep its own name, in other letters too.
 */
export function nameTaken(passkeys: readonly Pick<Passkey, 'id' | 'name'>[], name: string, renaming?: Pick<Passkey, 'id' | 'name'>): boolean {
  const wanted = comparable(name);
  if (renaming && comparable(renaming.name) === wanted) return false;
  return passkeys.some((passkey) => passkey.id !== renaming?.id && comparable(passkey.name) === wanted);
}

/** `user_id` in `passkeys`, `staff_id` in `staff_passkeys` (AccountTables.key). */
type PasskeyRow = { [owner in AccountTables['key']]?: number } & {
  id: number;
  credential_id: string;
  public_key: string;
  counter: number | string;
  transports: string | null;
  backup_eligible: boolean | number;
  backed_up: boolean | number;
  user_handle: string;
  name: string;
  created_at: number | string;
  last_used_at: number | string | null;
};

function toPasskey(row: PasskeyRow, key: AccountTables['key']): Passkey {
  return {
    id: row.id,
    userId: Number(row[key]),
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: row.transports ? row.transports.split(',') : [],
    backupEligible: Boolean(row.backup_eligible),
    backedUp: Boolean(row.backed_up),
    userHandle: row.user_handle,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

const CHALLENGES = 'passkey_challenges';

export type PasskeyStore = ReturnType<typeof createPasskeyStore>;

/**
 * The passkeys of one kind of account (the only writer of `passkeys`, or with STAFF_TABLES of
 * `staff_passkeys`) and the challenges used up (one table for both: a challenge is random).
 */
export function createPasskeyStore(db: Database, clock: Clock, tables: AccountTables = PATIENT_TABLES) {
  if (!tables.passkeys) throw new Error('these accounts have no passkeys table');
  const table = tables.passkeys;
  const { key } = tables;
  const passkeys = () => db<PasskeyRow>(table);
  /** The row's owner column under the name the rest of this module uses. */
  const owned = (userId: number, more: Record<string, unknown> = {}) => ({ [key]: userId, ...more });
  const namesOf = (userId: number): Promise<Pick<Passkey, 'id' | 'name'>[]> => passkeys().where(owned(userId)).select('id', 'name');

  return {
    async listForUser(userId: number): Promise<Passkey[]> {
      return (await passkeys().where(owned(userId)).orderBy('id')).map((row) => toPasskey(row, key));
    },

    async countForUser(userId: number): Promise<number> {
      const row = await passkeys().where(owned(userId)).count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },

    async findForUser(userId: number, id: number): Promise<Passkey | undefined> {
      const row = await passkeys().where(owned(userId, { id })).first();
      return row && toPasskey(row, key);
    },

    async findByCredentialId(credentialId: string): Promise<Passkey | undefined> {
      const row = await passkeys().where({ credential_id: credentialId }).first();
      return row && toPasskey(row, key);
    },

    /**
     * Adds a verified passkey. Throws DuplicatePasskeyError when its credential is registered
     * already, PasskeyNameTakenError when the account has a passkey of that name. Two adds at once
     * cannot both find the name free when the caller holds the account's row (lockForChange).
     */
    async add(userId: number, name: string, passkey: NewPasskey): Promise<Passkey> {
      if (nameTaken(await namesOf(userId), name)) throw new PasskeyNameTakenError();
      const [row] = (await passkeys()
        .insert({
          [key]: userId,
          credential_id: passkey.credentialId,
          public_key: passkey.publicKey,
          counter: passkey.counter,
          transports: passkey.transports.join(',') || null,
          backup_eligible: passkey.backupEligible,
          backed_up: passkey.backedUp,
          user_handle: passkey.userHandle,
          name,
          created_at: clock.now(),
          last_used_at: null,
        })
        .onConflict('credential_id')
        .ignore()
        .returning('*')) as PasskeyRow[];
      if (!row) throw new DuplicatePasskeyError();
      return toPasskey(row, key);
    },

    /**
     * The new name; returns the passkey as it was, or undefined when it is not the patient's (any
     * more). Throws PasskeyNameTakenError when another of theirs has that name (as for add, the
     * caller holds the account's row).
     */
    async rename(userId: number, id: number, name: string): Promise<Passkey | undefined> {
      const before = await passkeys().where(owned(userId, { id })).first();
      if (!before) return undefined;
      if (nameTaken(await namesOf(userId), name, before)) throw new PasskeyNameTakenError();
      await passkeys().where(owned(userId, { id })).update({ name });
      return toPasskey(before, key);
    },

    /** Removes one passkey; returns it, or undefined when it was gone already (of two calls at once, one gets it). */
    async remove(userId: number, id: number): Promise<Passkey | undefined> {
      const row = await passkeys().where(owned(userId, { id })).first();
      const deleted = row ? await passkeys().where(owned(userId, { id })).delete() : 0;
      return deleted === 1 ? toPasskey(row!, key) : undefined;
    },

    /**
     * Moves the sign counter up to a verified signature's `counter`, in one statement: of the
     * uses that bring the same counter at once (a cloned authenticator beside the real one), one
     * gets true. An authenticator that counts nothing (always 0, as synced passkeys) always does.
     */
    async claimCounter(id: number, counter: number): Promise<boolean> {
      if (counter === 0) return true;
      return (await passkeys().where({ id }).andWhere('counter', '<', counter).update({ counter })) === 1;
    },

    /** After a verified use: when, and whether it is backed up now. */
    async recordUse(id: number, backedUp: boolean): Promise<void> {
      await passkeys().where({ id }).update({ last_used_at: clock.now(), backed_up: backedUp });
    },

    /**
     * Uses up a challenge, before anything is verified against it: true for exactly one of the
     * requests that bring the same challenge, however many arrive at once. Kept until `expiresAt`.
     */
    async claimChallenge(challenge: string, expiresAt: number): Promise<boolean> {
      await db(CHALLENGES).where('expires_at', '<=', clock.now()).delete();
      const claimed = await db(CHALLENGES).insert({ challenge, expires_at: expiresAt }).onConflict('challenge').ignore().returning('challenge');
      return claimed.length === 1;
    },
  };
}
