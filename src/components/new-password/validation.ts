import type { PasswordChangeLimit } from '../../domain/password-change-limit';
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
  w: { t: Translate; formatTime(epochMs: number): string },
): Promise<FieldError | null> {
  const place = await limit.reserve(account);
  return place.allowed ? null : { field: 'newPassword', message: w.t('newPassword.errors.tooMany', { time: w.formatTime(place.retryAt) }) };
}
