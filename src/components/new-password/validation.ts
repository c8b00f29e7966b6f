import { passwordToCheck } from '../../domain/one-time-passwords';
import type { PasswordChangeLimit } from '../../domain/password-change-limit';
import type { PasswordHasher } from '../../domain/passwords';
import { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordProblem } from '../../domain/password-policy';
import type { FieldError } from '../../http/forms';
import type { Translate } from '../../i18n';

/** A new password, typed twice: the patients' password change and the desk's own password forms. */
export const NEW_PASSWORD_FIELDS = ['newPassword', 'repeatPassword'] as const;

export type NewPasswordFields = Record<(typeof NEW_PASSWORD_FIELDS)[number], string>;

const PROBLEM_KEYS: Record<PasswordProblem, string> = {
  required: 'newPassword.policy.required',
  too_short: 'newPassword.policy.too_short',
  too_long: 'newPassword.policy.too_long',
  invalid_characters: 'newPassword.policy.invalid_characters',
  common: 'newPassword.policy.common',
  personal: 'newPassword.policy.personal',
  guessable: 'newPassword.policy.guessable',
};

/** Same rules as the admin command (SPEC §4): length and the block list, no composition rules. */
export async function validateNewPassword(fields: NewPasswordFields, personal: { email: string; name: string }, t: Translate): Promise<FieldError[]> {
  const problem = await checkPassword(fields.newPassword, personal);
  if (problem) {
    return [{ field: 'newPassword', message: t(PROBLEM_KEYS[problem], { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }) }];
  }
  if (fields.repeatPassword === '') return [{ field: 'repeatPassword', message: t('newPassword.errors.repeatRequired') }];
  if (fields.repeatPassword !== fields.newPassword) return [{ field: 'repeatPassword', message: t('newPassword.errors.mismatch') }];
  return [];
}

/**
 * A place for one more new password of `account` (`patient:12`, `staff:3`) this hour, taken before
 * the argon2id work of checking it, or the error that says when the next may be tried.
 */
export async function reserveNewPasswordTry(
  limit: PasswordChangeLimit,
  account: string,
  w: { t: Translate; formatRetryTime(epochMs: number): string },
): Promise<FieldError | null> {
  const place = await limit.reserve(account);
  return place.allowed ? null : { field: 'newPassword', message: w.t('newPassword.errors.tooMany', { time: w.formatRetryTime(place.retryAt) }) };
}

/**
 * The new password of a form that needs no other proof first: by the rules, under the hourly limit
 * (its place taken before the argon2id work), and not the account's current password, a one-time
 * one however it is typed (`sameKey`: how this form says so; checked last, as it costs a
 * verification). Its hash, made here as it is slow and must come before the change's transaction,
 * or the form's errors and status.
 */
export async function acceptNewPassword(
  deps: { hasher: PasswordHasher; passwordChangeLimit: PasswordChangeLimit },
  form: { fields: NewPasswordFields; account: { email: string; name: string; passwordHash: string; oneTimePasswordUntil: number | null }; limitKey: string; sameKey: string },
  w: { t: Translate; formatRetryTime(epochMs: number): string },
): Promise<{ hash: string } | { errors: FieldError[]; status: 400 | 429 }> {
  const { fields, account } = form;
  const errors = await validateNewPassword(fields, account, w.t);
  if (errors.length > 0) return { errors, status: 400 };
  const tooMany = await reserveNewPasswordTry(deps.passwordChangeLimit, form.limitKey, w);
  if (tooMany) return { errors: [tooMany], status: 429 };
  if (await deps.hasher.verify(account.passwordHash, passwordToCheck(account, fields.newPassword))) return { errors: [{ field: 'newPassword', message: w.t(form.sameKey) }], status: 400 };
  return { hash: await deps.hasher.hash(fields.newPassword) };
}
