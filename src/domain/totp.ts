import { Secret, TOTP } from 'otpauth';
import type { RandomSource } from './random';

/** RFC 6238 as SPEC §4 sets it: SHA-1, 6 digits, 30-second steps, ±1 step, 160-bit secret. */
export const TOTP_ISSUER = 'Karify';
/** Staff's own entry in their app, so a staff member who is also a patient can tell the two apart. */
export const STAFF_TOTP_ISSUER = 'Karify Balie';
const TOTP_ALGORITHM = 'SHA1';
const TOTP_DIGITS = 6;
const TOTP_PERIOD_SECONDS = 30;
const TOTP_WINDOW = 1;
const TOTP_SECRET_BYTES = 20;

const BASE32 = /^[A-Z2-7]+$/;

/** A new secret from the CSPRNG, in base32 (what apps and the otpauth:// URI use). */
export function generateTotpSecret(random: RandomSource): string {
  const bytes = Uint8Array.from(random.bytes(TOTP_SECRET_BYTES));
  return new Secret({ buffer: bytes.buffer }).base32;
}

export function isTotpSecret(value: unknown): value is string {
  return typeof value === 'string' && value.length === 32 && BASE32.test(value);
}

function totp(secret: string, label = '', issuer = TOTP_ISSUER): TOTP {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** otpauth://totp/Karify:<e-mail>?issuer=Karify&secret=…&algorithm=SHA1&digits=6&period=30 */
export function totpUri(secret: string, email: string, issuer = TOTP_ISSUER): string {
  return totp(secret, email, issuer).toString();
}

/** The time step (counter) of a moment: whole periods since the epoch. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code an app shows at `nowMs`. */
export function totpCodeAt(secret: string, nowMs: number): string {
  return totp(secret).generate({ timestamp: nowMs });
}

/**
 * Checks a 6-digit code against the steps around `nowMs` (±TOTP_WINDOW) and returns the time
 * step it belongs to, or null. Whether that step was used before is the caller's business.
 */
export function verifyTotp(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  return delta === null ? null : totpStep(nowMs) + delta;
}

/** 'JBSWY3DPEHPK3PXP…' → 'JBSW Y3DP EHPK 3PXP …', for typing the key by hand. */
export function formatTotpKey(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? '';
}
