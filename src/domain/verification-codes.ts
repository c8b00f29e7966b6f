import crypto from 'node:crypto';
import type { Database } from '../infra/database';
import type { Clock } from './clock';
import { randomDigits, type RandomSource } from './random';
import { foldTypedDigits } from './typed-digits';

/** What a code was sent for: signing in, confirming, or proving a new number (wizard, change, switch). */
export type CodePurpose = 'sign_in' | 'confirm' | 'setup' | 'phone_change' | 'switch_sms';
export type VerifyResult = 'ok' | 'wrong' | 'expired' | 'exhausted' | 'missing';

export interface VerificationCodeSettings {
  db: Database;
  clock: Clock;
  random: RandomSource;
  hashKey: Buffer;
  ttlMs: number;
  maxAttempts: number;
  /** The keyed hash codes are stored and compared under; HMAC-SHA-256 with `hashKey` by default. */
  keyedHash?: (text: string) => string;
}

export const hmacSha256 = (key: Buffer) => (text: string) => crypto.createHmac('sha256', key).update(text).digest('hex');

const CODE_LENGTH = 6;

interface CodeRow {
  id: number;
  user_id: number;
  purpose: string;
  code_hash: string;
  phone: string | null;
  attempts: number;
  expires_at: number | string;
  created_at: number | string;
  /** The provider did not answer in time: the SMS may or may not have gone out. */
  delivery_unsure: boolean | number;
}

/** Strips what people type between digits (spaces, dashes, dots), after folding full-width digits and typographic dashes. */
export function normalizeCodeInput(input: string): string {
  return foldTypedDigits(input).replace(/[\s.\-]/g, '');
}

export type VerificationCodes = ReturnType<typeof createVerificationCodes>;

/**
 * One live 6-digit code per user and purpose, stored only as HMAC-SHA-256(key, user:purpose:code).
 * A new code replaces the old one; a code is consumed by its first correct use.
 */
export function createVerificationCodes(settings: VerificationCodeSettings) {
  const { db, clock, random, ttlMs, maxAttempts } = settings;
  const keyedHash = settings.keyedHash ?? hmacSha256(settings.hashKey);
  const table = () => db<CodeRow>('verification_codes');

  const hashOf = (userId: number, purpose: CodePurpose, code: string) => keyedHash(`${userId}:${purpose}:${code}`);

  const sameHash = (a: string, b: string) => {
    const x = Buffer.from(a, 'hex');
    const y = Buffer.from(b, 'hex');
    return x.length === y.length && crypto.timingSafeEqual(x, y);
  };

  const find = (userId: number, purpose: CodePurpose) =>
    table().where({ user_id: userId, purpose }).first() as Promise<CodeRow | undefined>;

  const remove = (row: Pick<CodeRow, 'id' | 'code_hash'>) => table().where({ id: row.id, code_hash: row.code_hash }).delete();

  const codes = {
    /** A fresh code, not yet stored: callers that must send it first store it with `save`. */
    generate(): string {
      return randomDigits(random, CODE_LENGTH);
    },

    /**
     * Stores `code` as the live code for (user, purpose), replacing any earlier one, with a fresh
     * expiry and attempt count; `deliveryUnsure`: its SMS may not have gone out.
     */
    async save(userId: number, purpose: CodePurpose, code: string, phone: string | null, deliveryUnsure = false): Promise<void> {
      const now = clock.now();
      const row = {
        user_id: userId,
        purpose,
        code_hash: hashOf(userId, purpose, code),
        phone,
        attempts: 0,
        expires_at: now + ttlMs,
        created_at: now,
        delivery_unsure: deliveryUnsure,
      };
      // One statement, atomic on SQLite and PostgreSQL alike (unique on user_id + purpose).
      await db('verification_codes').insert(row).onConflict(['user_id', 'purpose']).merge();
    },

    async issue(userId: number, purpose: CodePurpose, phone: string | null): Promise<string> {
      const code = codes.generate();
      await codes.save(userId, purpose, code, phone);
      return code;
    },

    /**
     * Checks `input` against the live code for (user, purpose) that was sent to `destination`.
     * One try is taken from the code before it is compared (one statement, so requests in
     * flight together get no more tries than the code allows); the try that uses the last one
     * up kills the code. A code sent to another number is, for this check, no code at all.
     */
    async verify(userId: number, purpose: CodePurpose, input: string, destination: string | null): Promise<VerifyResult> {
      const now = clock.now();
      const scope = { user_id: userId, purpose, phone: destination };
      const [reserved] = (await table()
        .where(scope)
        .where('expires_at', '>', now)
        .where('attempts', '<', maxAttempts)
        .increment('attempts', 1)
        .returning(['id', 'code_hash', 'attempts'])) as Array<Pick<CodeRow, 'id' | 'code_hash' | 'attempts'>>;
      if (!reserved) {
        const row = await table().where(scope).first();
        if (!row) return 'missing';
        if (now >= Number(row.expires_at)) return 'expired';
        await remove(row);
        return 'exhausted';
      }

      if (sameHash(reserved.code_hash, hashOf(userId, purpose, normalizeCodeInput(input)))) {
        // Only the request whose delete removed the row gets 'ok'; a concurrent one, or a code
        // replaced in the meantime, finds nothing left.
        const deleted = await remove(reserved);
        return deleted === 1 ? 'ok' : 'missing';
      }
      if (reserved.attempts >= maxAttempts) {
        await remove(reserved);
        return 'exhausted';
      }
      return 'wrong';
    },

    async discard(userId: number, purpose: CodePurpose): Promise<void> {
      await table().where({ user_id: userId, purpose }).delete();
    },

    /**
     * The code sent to `phone` for `purpose` that can still be used: when it stops working, and
     * whether its SMS may not have gone out. Null when there is none.
     */
    async usableCode(userId: number, purpose: CodePurpose, phone: string): Promise<{ validUntil: number; deliveryUnsure: boolean } | null> {
      const row = await table().where({ user_id: userId, purpose, phone }).first();
      if (!row || row.attempts >= maxAttempts) return null;
      const validUntil = Number(row.expires_at);
      return clock.now() < validUntil ? { validUntil, deliveryUnsure: Boolean(row.delivery_unsure) } : null;
    },

    /** Where and when the live (unexpired) code was sent, if there is one. */
    async liveCode(userId: number, purpose: CodePurpose): Promise<{ phone: string | null; sentAt: number } | null> {
      const row = await find(userId, purpose);
      return row && clock.now() < Number(row.expires_at) ? { phone: row.phone, sentAt: Number(row.created_at) } : null;
    },
  };
  return codes;
}
