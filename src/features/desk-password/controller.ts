import type { Request, Response } from 'express';
import { checkCurrentPassword } from '../../components/desk-access/current-password';
import type { InTransaction } from '../../domain/account-stores';
import type { PasswordHasher } from '../../domain/passwords';
import type { SignInService } from '../../domain/sign-in';
import type { StaffMember, StaffStore } from '../../domain/staff';
import { setOwnStaffPassword } from '../../domain/staff-admin';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { type FieldError, readFields, renderFormErrors } from '../../http/forms';
import type { Translate } from '../../i18n';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { paths } from '../../paths';
import { DESK_PASSWORD_FIELDS, type NewPasswordFields } from './validation';

const VIEW = 'desk-password/index';

export interface DeskPasswordDeps {
  auth: AuthLevels<StaffMember>;
  staff: StaffStore;
  hasher: PasswordHasher;
  /** The desk's password check: its throttle takes a place before the hash is compared. */
  staffSignIn: SignInService<StaffMember>;
  inTransaction: InTransaction;
  /** The patients' rules for a new password (length, block list): the same fields, the same messages. */
  validateNewPassword(fields: NewPasswordFields, personal: { email: string; name: string }, t: Translate): Promise<FieldError[]>;
  /** A place for one more new password this hour, taken before the hashing (password-change/validation.ts). */
  reserveNewPasswordTry(account: string, w: { t: Translate; formatTime(epochMs: number): string }): Promise<FieldError | null>;
}

export type DeskPasswordController = ReturnType<typeof createDeskPasswordController>;

/**
 * "Wachtwoord wijzigen" at the desk: the current password (checked under the desk's sign-in
 * throttle, so this form is no way round it), then a new one by the patients' rules. The staff
 * member's other desk sessions end; the change is in the staff audit log.
 */
export function createDeskPasswordController(deps: DeskPasswordDeps) {
  return {
    show: (req: Request, res: Response) => res.render(VIEW, { done: takePageNotice(req) === 'changed' }),

    async submit(req: Request, res: Response) {
      const member = req.staff!;
      const fields = readFields(req.body, DESK_PASSWORD_FIELDS);
      const errors = await deps.validateNewPassword(fields, member, res.locals.t);
      if (errors.length === 0 && fields.newPassword === fields.currentPassword) {
        errors.push({ field: 'newPassword', message: res.locals.t('deskPassword.errors.same') });
      }
      // The current password last, and only on an otherwise right form: it costs a hash and a place.
      const current = errors.length === 0 ? await checkCurrentPassword(deps.staffSignIn, req, res, fields.currentPassword) : null;
      if (current) errors.push(current.error);
      if (errors.length > 0) return renderFormErrors(res, VIEW, errors, {}, { done: false }, current?.throttled ? 429 : 400);
      const tooMany = await deps.reserveNewPasswordTry(`staff:${member.id}`, res.locals);
      if (tooMany) return renderFormErrors(res, VIEW, [tooMany], {}, { done: false }, 429);
      const passwordHash = await deps.hasher.hash(fields.newPassword); // slow: before the transaction
      await deps.inTransaction((stores) => setOwnStaffPassword(stores, member.id, passwordHash, requestOrigin(req)));
      await deps.auth.endOtherSessions(req, deps.staff);
      redirectWithNotice(req, res, paths.desk.password, 'changed');
    },
  };
}
