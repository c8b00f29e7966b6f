import type { Proof } from '../../domain/second-factor';
import { normalizeRecoveryCode } from '../../domain/recovery-codes';
import type { User } from '../../domain/users';
import { normalizeCodeInput } from '../../domain/verification-codes';
import type { FieldError } from '../../http/forms';
import type { Translate } from '../../i18n';
import { paths } from '../../paths';

export const CONFIRMATION_FIELDS = ['password', 'code'] as const;

/** Only pages of this site may be returned to after confirming (`?terug=`): the account pages. */
export function safeReturnPath(value: unknown): string {
  const accountPage = typeof value === 'string' && value.startsWith(`${paths.account.index}/`) && /^[\w\-/]*$/.test(value);
  return accountPage ? value : paths.twoStep.status;
}

export function validatePassword(password: string, t: Translate): FieldError[] {
  return password === '' ? [{ field: 'password', message: t('freshConfirmation.errors.passwordRequired') }] : [];
}

/**
 * The second-step part typed in, for a patient with two-step on: 6 digits (from the SMS or the
 * app, by their method) or a recovery code of 10; with passkeys as the only method, a recovery
 * code (the passkey itself comes in another field, see checkPasskey).
 */
export function codeProof(input: string, user: User, t: Translate): { proof: Proof } | { error: FieldError } {
  const code = normalizeCodeInput(input);
  const app = user.twoFactorMethod === 'totp';
  const passkeyOnly = user.twoFactorMethod === 'passkey';
  if (code === '') return { error: { field: 'code', message: t(passkeyOnly ? 'freshConfirmation.errors.recoveryRequired' : 'freshConfirmation.errors.codeRequired') } };
  if (/^\d{6}$/.test(code) && !passkeyOnly) return { proof: app ? { kind: 'app', code } : { kind: 'sms', code, phone: user.twoFactorPhone! } };
  if (normalizeRecoveryCode(input)) return { proof: { kind: 'recovery', code: input } };
  const format = passkeyOnly ? 'freshConfirmation.errors.codeFormatPasskey' : app ? 'freshConfirmation.errors.codeFormatApp' : 'freshConfirmation.errors.codeFormat';
  return { error: { field: 'code', message: t(format) } };
}
