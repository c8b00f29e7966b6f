import type { Translate } from '../../i18n';
import type { FieldError } from '../../http/forms';
import { normalizeRecoveryCode } from '../../domain/recovery-codes';
import { normalizeCodeInput } from '../../domain/verification-codes';

/** A 6-digit code as typed: spaces, dashes and dots between the digits are fine. */
export function validateSixDigitCode(input: string, t: Translate, field = 'code'): FieldError[] {
  const code = normalizeCodeInput(input);
  if (code === '') return [{ field, message: t('oneTimeCode.errors.required') }];
  if (!/^\d{6}$/.test(code)) return [{ field, message: t('oneTimeCode.errors.format') }];
  return [];
}

/** A 10-digit recovery code, plain or grouped ("39376 93737"). */
export function validateRecoveryCode(input: string, t: Translate, field = 'recoveryCode'): FieldError[] {
  if (input.trim() === '') return [{ field, message: t('oneTimeCode.errors.recoveryRequired') }];
  if (normalizeRecoveryCode(input) === null) return [{ field, message: t('oneTimeCode.errors.recoveryFormat') }];
  return [];
}
