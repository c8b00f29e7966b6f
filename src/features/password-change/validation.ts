import type { Translate } from '../../i18n';
import type { FieldError } from '../../http/forms';
import type { PasswordChangeLimit } from '../../domain/password-change-limit';
import { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordProblem } from '../../domain/password-policy';

export const PASSWORD_CHANGE_FIELDS = ['newPassword', 'repeatPassword'] as const;

const PROBLEM_KEYS: Record<PasswordProblem, string> = {
  required: 'passwordChange.policy.required',
  too_short: 'passwordChange.policy.too_short',
  too_long: 'passwordChange.policy.too_long',
  invalid_characters: 'passwordChange.policy.invalid_characters',
  common: 'passwordChange.policy.common',
  personal: 'passwordChange.policy.personal',
  guessable: 'passwordChange.policy.guessable',
};

/** Same rules as the admin command (SPEC §4): length and the block list, no composition rules. */
export async function validateNewPassword(
  fields: Record<(typeof PASSWORD_CHANGE_FIELDS)[number], string>,
  personal: { email: string; name: string },
  t: Translate,
): Promise<FieldError[]> {
  const problem = await checkPassword(fields.newPassword, personal);
  if (problem) {
    return [{ field: 'newPassword', message: t(PROBLEM_KEYS[problem], { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }) }];
  }
  if (fields.repeatPassword === '') return [{ field: 'repeatPassword', message: t('passwordChange.errors.repeatRequired') }];
  if (fields.repeatPassword !== fields.newPassword) return [{ field: 'repeatPassword', message: t('passwordChange.errors.mismatch') }];
  return [];
}

/**
 * A place for one more new password of `account` this hour, taken before the argon2id work of
 * checking it, or the error that says when the next may be tried. The desk's forms use it too.
 */
export async function reserveNewPasswordTry(
  limit: PasswordChangeLimit,
  account: string,
  w: { t: Translate; formatTime(epochMs: number): string },
): Promise<FieldError | null> {
  const place = await limit.reserve(account);
  return place.allowed ? null : { field: 'newPassword', message: w.t('passwordChange.errors.tooMany', { time: w.formatTime(place.retryAt) }) };
}
