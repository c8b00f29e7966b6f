import type { Request, Response } from 'express';
import { normalizeRecoveryCode } from '../../domain/recovery-codes';
import type { SecondFactor } from '../../domain/second-factor';
import type { SignInService } from '../../domain/sign-in';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { type FieldError, readFields } from '../../http/forms';
import type { Translate } from '../../i18n';
import { secondFactorMessage } from '../one-time-code/messages';
import { validateSixDigitCode } from '../one-time-code/validation';

/** What a desk page asks before a change to the staff member's own sign-in: both steps again. */
export const IDENTITY_FIELDS = ['currentPassword', 'code'] as const;

export type IdentityFields = Record<(typeof IDENTITY_FIELDS)[number], string>;

/** The code field takes the app's 6 digits or, for a staff member without their phone, one of their recovery codes. */
const isRecoveryCode = (code: string) => normalizeRecoveryCode(code) !== null;

/** What can be told without checking anything: a field left empty, a code that is neither 6 digits nor a recovery code. */
export function validateIdentityFields(fields: IdentityFields, t: Translate): FieldError[] {
  return [
    ...(fields.currentPassword === '' ? [{ field: 'currentPassword', message: t('deskAccess.currentPassword.required') }] : []),
    ...(isRecoveryCode(fields.code) ? [] : validateSixDigitCode(fields.code, t)),
  ];
}

export interface IdentityCheckDeps {
  staffSignIn: SignInService<StaffMember>;
  staffSecondFactor: SecondFactor;
}

/**
 * The signed-in staff member's current password and a code from their app (or a recovery code),
 * as the patients' fresh confirmation asks both steps: an open desk session, or a password someone
 * saw, is not enough to add a passkey, make new recovery codes or change the password. The password is
 * checked under the desk's sign-in throttle and the code under the second step's lock (each
 * takes its place before the work), the code only after a right password. No errors when both
 * are right; `throttled` when a limit refused them.
 */
export async function checkIdentity(
  deps: IdentityCheckDeps,
  req: Request,
  res: Response,
  fields: IdentityFields,
): Promise<{ errors: FieldError[]; throttled: boolean }> {
  const { t, formatRetryTime } = res.locals;
  const refused = (field: string, message: string, throttled = false) => ({ errors: [{ field, message }], throttled });
  const errors = validateIdentityFields(fields, t);
  if (errors.length > 0) return { errors, throttled: false };

  const member = req.staff!;
  // Under the sign-in's throttle, but the staff member is signed in: a wrong one is no failed sign-in.
  const password = await deps.staffSignIn.checkPassword(member.email, fields.currentPassword, requestOrigin(req), 'confirmation_failed');
  if (password.status === 'throttled') return refused('currentPassword', t('deskAccess.currentPassword.throttled', { time: formatRetryTime(password.retryAt) }), true);
  if (password.status !== 'ok') return refused('currentPassword', t('deskAccess.currentPassword.wrong'));

  const proof = { kind: isRecoveryCode(fields.code) ? ('recovery' as const) : ('app' as const), code: fields.code };
  const code = await deps.staffSecondFactor.check(member.id, 'confirm', proof, requestOrigin(req));
  if (code.status === 'ok') return { errors: [], throttled: false };
  return refused('code', secondFactorMessage(code, res.locals), code.status === 'locked');
}

export interface OwnConfirmationDeps extends IdentityCheckDeps {
  auth: AuthLevels<StaffMember>;
}

/**
 * A change that lets someone into an account or gives rights (turning off someone's two-step,
 * a temporary or one-time password, a new staff member, an admin's rights, enabling a staff
 * account) asks on its own form for the staff member's password and a code from their app, unless
 * they gave them in the last minutes (the desk's fresh level), as the patients' own changes ask
 * theirs: an unattended desk session is not enough. What the form of a change that `asks` shows:
 * the minutes a confirmation lasts, or null when none is asked now.
 */
export const ownConfirmationAsked = (deps: Pick<OwnConfirmationDeps, 'auth'>, req: Request, asks: boolean | undefined): { minutes: number } | null =>
  asks && deps.auth.level(req) !== 'fresh' ? { minutes: deps.auth.freshMinutes } : null;

/**
 * Checks that form's password and code (when asked), after `formErrors` (the rest of the form):
 * only when the rest is right, so a refused form uses up no code and never moves the session; both
 * right make the session fresh (a new session id and CSRF token, as every change of level) before
 * the change is made.
 */
export async function confirmOwnIdentity(
  deps: OwnConfirmationDeps,
  req: Request,
  res: Response,
  formErrors: FieldError[],
  asks: boolean | undefined,
): Promise<{ errors: FieldError[]; throttled: boolean }> {
  if (!ownConfirmationAsked(deps, req, asks)) return { errors: formErrors, throttled: false };
  // A form shown while the last confirmation still held has no such fields: it ran out meanwhile.
  if (!IDENTITY_FIELDS.some((name) => Object.hasOwn(req.body ?? {}, name))) {
    return { errors: [...formErrors, { field: IDENTITY_FIELDS[0], message: res.locals.t('deskAccess.ownConfirmation.expired') }], throttled: false };
  }
  const fields = readFields(req.body, IDENTITY_FIELDS);
  if (formErrors.length > 0) return { errors: [...formErrors, ...validateIdentityFields(fields, res.locals.t)], throttled: false };
  const checked = await checkIdentity(deps, req, res, fields);
  if (checked.errors.length === 0) await deps.auth.toFresh(req);
  return checked;
}
