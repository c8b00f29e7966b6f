import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../i18n';
import type { Database } from '../infra/database';
import { accountFields, createAccountRecords, likePattern, type AccountRow, type WithMethod } from './account-records';
import { PATIENT_TABLES } from './account-tables';
import type { Clock } from './clock';
import type { TwoFactorMethod } from './two-factor';

export { DuplicateEmailError, normalizeEmail } from './account-records';

export interface User {
  id: number;
  email: string;
  name: string;
  passwordHash: string;
  disabled: boolean;
  sessionGeneration: number;
  /** Until when the one-time password the clinic gave works (see one-time-passwords.ts); null: their own. */
  oneTimePasswordUntil: number | null;
  twoFactorMethod: TwoFactorMethod | null;
  twoFactorPhone: string | null;
  /** The language the patient chose (Dutch until they choose): for e-mail sent to them. */
  language: Language;
  createdAt: number;
}

type UserRow = AccountRow & { language: string; name_search: string | null };

/** A person's name (patient or staff), as menus, logs and e-mails show it: at most this many characters. */
export const NAME_MAX_LENGTH = 100;

/**
 * Text as the desk's search compares it: without accents, lower-cased by Unicode's rules, in NFC
 * ("Öztürk" as "ozturk"). The name is stored this way beside itself (`name_search`), since
 * SQLite's LOWER() and LIKE fold A–Z only.
 */
export function searchableText(text: string): string {
  return text.trim().normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').toLowerCase();
}

// Deliberately simple: one @, something on both sides, a dot in the domain, no spaces.
export function isPlausibleEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
}

function toUser(row: WithMethod<UserRow>): User {
  return {
    ...accountFields(row),
    twoFactorMethod: row.two_factor_method ?? null,
    twoFactorPhone: row.two_factor_phone ?? null,
    language: isLanguage(row.language) ? row.language : DEFAULT_LANGUAGE,
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

/**
 * Who the patient is: the only writer of `users`. Reads bring the patient's second-step method
 * along (owned by two-factor.ts). `reads`: where the lookup of the signed-in patient on every
 * request goes (see createReadDatabase).
 */
export function createUserStore(db: Database, clock: Clock, reads: Database = db) {
  const records = createAccountRecords<UserRow, User>(db, clock, reads, { table: 'users', tables: PATIENT_TABLES, toAccount: toUser });

  return {
    ...records.shared,

    create(input: { email: string; name: string; passwordHash: string }): Promise<User> {
      return records.insert({ email: input.email, name: input.name, password_hash: input.passwordHash, language: DEFAULT_LANGUAGE, name_search: searchableText(input.name) });
    },

    setLanguage: (id: number, language: Language) => records.update(id, { language }),

    /**
     * Patients whose e-mail address or name contains `text` (any case, also of letters such as
     * Ö and É; `%` and `_` are just characters), by name; at most `limit`.
     */
    async search(text: string, limit: number): Promise<User[]> {
      const pattern = likePattern(searchableText(text));
      const found: WithMethod<UserRow>[] = await records
        .withMethod(db)
        .where((q) => void q.whereRaw(`users.email LIKE ? ESCAPE '\\'`, [pattern]).orWhereRaw(`users.name_search LIKE ? ESCAPE '\\'`, [pattern]))
        .orderBy([{ column: 'users.name' }, { column: 'users.id' }])
        .limit(limit);
      return found.map(toUser);
    },
  };
}
