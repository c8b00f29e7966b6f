import type { Request, Response } from 'express';
import type { User } from '../../domain/users';
import { type AppPassport, authenticatePassword, type SessionAccount } from '../../http/authentication';
import { cookiesRefused } from '../../http/csrf';
import { type FieldError, readFields, renderFormErrors } from '../../http/forms';
import { SIGN_IN_FIELDS, validateSignIn } from './validation';

/** A sign-in form refused: its errors, the values to show again (never the password), and the status. */
export interface RefusedSignIn {
  errors: FieldError[];
  values: { email: string };
  status: 400 | 403 | 429;
}

/**
 * Reads and checks a sign-in form, then the password (passport's local strategy, under the sign-in
 * throttle): the account whose password it is, or what the form says. A wrong address and a wrong
 * password are one error, so the form never tells which addresses have an account.
 */
export async function checkSignInForm<A extends SessionAccount = User>(
  passport: AppPassport,
  req: Request,
  res: Response,
  /**
   * What a disabled account, and an expired one-time password, is told after its right password
   * (who can help differs: the desk's admins, or the clinic's helpdesk).
   */
  messageKeys: { disabled: string; expired: string } = { disabled: 'signInForm.errors.disabled', expired: 'signInForm.errors.oneTimePasswordExpired' },
): Promise<{ account: A } | RefusedSignIn> {
  const { t, formatRetryTime } = res.locals;
  const fields = readFields(req.body, SIGN_IN_FIELDS);
  const values = { email: fields.email.trim() };
  const errors = validateSignIn(fields, t);
  if (errors.length > 0) return { errors, values, status: 400 };

  req.body.email = values.email;
  const result = await authenticatePassword<A>(passport, req, res);
  if (result.status === 'throttled') {
    return { errors: [{ field: 'email', message: t('signInForm.errors.throttled', { time: formatRetryTime(result.retryAt) }) }], values, status: 429 };
  }
  if (result.status === 'invalid') return { errors: [{ field: 'email', message: t('signInForm.errors.invalidCredentials') }], values, status: 400 };
  if (result.status === 'disabled') return { errors: [{ field: 'email', message: t(messageKeys.disabled) }], values, status: 403 };
  if (result.status === 'expired') return { errors: [{ field: 'password', message: t(messageKeys.expired) }], values, status: 403 };
  return { account: result.user };
}

/** The sign-in page (`view`, the patients' or the desk's) again, with why the form was refused. */
export function renderRefusedSignIn(res: Response, view: string, refused: RefusedSignIn): void {
  renderFormErrors(res, view, refused.errors, refused.values, { notice: null }, refused.status);
}

/**
 * A sign-in form sent after its session ended (left open too long; see ExpiredFormPages), or from
 * a browser that keeps no cookies, each said so: nobody was signed in, the address stays, the
 * password is asked again.
 */
export function expiredSignInForm(req: Request, res: Response): RefusedSignIn {
  const { email } = readFields(req.body, SIGN_IN_FIELDS);
  const message = res.locals.t(cookiesRefused(req, res.locals.now()) ? 'signInForm.errors.cookiesRefused' : 'signInForm.errors.formExpired');
  return { errors: [{ field: 'password', message }], values: { email: email.trim() }, status: 403 };
}
