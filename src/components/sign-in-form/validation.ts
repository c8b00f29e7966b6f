import { isPlausibleEmail } from '../../domain/users';
import { type FieldError, hasControlCharacters } from '../../http/forms';
import type { Translate } from '../../i18n';

/** The fields of the patients' and the desk's sign-in forms. */
export const SIGN_IN_FIELDS = ['email', 'password'] as const;

export function validateSignIn(fields: { email: string; password: string }, t: Translate): FieldError[] {
  const errors: FieldError[] = [];
  const email = fields.email.trim();
  if (email === '') errors.push({ field: 'email', message: t('signInForm.errors.emailRequired') });
  else if (!isPlausibleEmail(email) || hasControlCharacters(email)) {
    errors.push({ field: 'email', message: t('signInForm.errors.emailInvalid') });
  }
  if (fields.password === '') errors.push({ field: 'password', message: t('signInForm.errors.passwordRequired') });
  return errors;
}
