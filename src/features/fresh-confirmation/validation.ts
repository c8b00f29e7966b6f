import type { Proof } from '../../domain/second-factor';
import { normalizeRecoveryCode } from '../../domain/recovery-codes';
import type { User } from '../../domain/users';
import { normalizeCodeInput } from '../../domain/verification-codes';
import type { FieldError } from '../../http/forms';
import type { Translate } from '../../i18n';

export const CONFIRMATION_FIELDS = ['password', 'code'] as const;

export function validatePassword(password: string, t: Translate): FieldError[] {
  return password === '' ? [{ field: 'password', message: t('freshConfirmation.errors.passwordRequired') }] : [];
}

/**
 * The second-step part, for a patient with two-step on: 6 digits (from the SMS or the app, by
 * their method) or a recovery code of 10.
 */
export function codeProof(input: string, user: User, t: Translate): { proof: Proof } | { error: FieldError } {
  const code = normalizeCodeInput(input);
  const app = user.twoFactorMethod === 'totp';
  if (code === '') return { error: { field: 'code', message: t('freshConfirmation.errors.codeRequired') } };
  if (/^\d{6}$/.test(code)) return { proof: app ? { kind: 'app', code } : { kind: 'sms', code, phone: user.twoFactorPhone! } };
  if (normalizeRecoveryCode(input)) return { proof: { kind: 'recovery', code: input } };
  return { error: { field: 'code', message: t(app ? 'freshConfirmation.errors.codeFormatApp' : 'freshConfirmation.errors.codeFormat') } };
}
