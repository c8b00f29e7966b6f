import type { Translate } from '../../i18n';
import { hasControlCharacters, FieldError } from '../../http/forms';
import { isPlausibleEmail } from '../../domain/users';

export const SIGN_IN_FIELDS = ['email', 'password'] as const;

export function validateSignIn(fields: { email: string; password: string }, t: Translate): FieldError[] {
  const errors: FieldError[] = [];
  const email = fields.email.trim();
  if (email === '') errors.push({ field: 'email', message: t('signIn.errors.emailRequired') });
  else if (!isPlausibleEmail(email) || hasControlCharacters(email)) {
    errors.push({ field: 'email', message: t('signIn.errors.emailInvalid') });
  }
  if (fields.password === '') errors.push({ field: 'password', message: t('signIn.errors.passwordRequired') });
  return errors;
}
