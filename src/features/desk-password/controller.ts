import type { Request, Response } from 'express';
import { checkIdentity, type IdentityCheckDeps, validateIdentityFields } from '../../components/desk-access/identity-check';
import { reserveNewPasswordTry, validateNewPassword } from '../../components/new-password/validation';
import type { InTransaction } from '../../domain/account-stores';
import type { PasswordChangeLimit } from '../../domain/password-change-limit';
import type { PasswordHasher } from '../../domain/passwords';
import type { StaffMember, StaffStore } from '../../domain/staff';
import { setOwnStaffPassword } from '../../domain/staff-admin';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { paths } from '../../paths';
import { DESK_PASSWORD_FIELDS } from './validation';

const VIEW = 'desk-password/index';

export interface DeskPasswordDeps extends IdentityCheckDeps {
  auth: AuthLevels<StaffMember>;
  staff: StaffStore;
  hasher: PasswordHasher;
  inTransaction: InTransaction;
  /** The patients' limit on new passwords per account and hour, counted per staff member. */
  passwordChangeLimit: PasswordChangeLimit;
}

export type DeskPasswordController = ReturnType<typeof createDeskPasswordController>;

/**
 * "Wachtwoord wijzigen" at the desk: the current password and a code from the app (under the
 * desk's limits, so this form is no way round them), then a new one by the patients' rules. The staff
 * member's other desk sessions end; the change is in the staff audit log.
 */
export function createDeskPasswordController(deps: DeskPasswordDeps) {
  return {
    show: (req: Request, res: Response) => res.render(VIEW, { done: takePageNotice(req, res) === 'changed' }),

    async submit(req: Request, res: Response) {
      const member = req.staff!;
      const fields = readFields(req.body, DESK_PASSWORD_FIELDS);
      const errors = [...validateIdentityFields(fields, res.locals.t), ...(await validateNewPassword(fields, member, res.locals.t))];
      if (errors.length === 0 && fields.newPassword === fields.currentPassword) {
        errors.push({ field: 'newPassword', message: res.locals.t('deskPassword.errors.same') });
      }
      // Password and code last, and only on an otherwise right form: each costs a place under a limit.
      const identity = errors.length === 0 ? await checkIdentity(deps, req, res, fields) : null;
      if (identity) errors.push(...identity.errors);
      // The code field may hold a recovery code, a secret: it is not shown again.
      if (errors.length > 0) return renderFormErrors(res, VIEW, errors, {}, { done: false }, identity?.throttled ? 429 : 400);
      const tooMany = await reserveNewPasswordTry(deps.passwordChangeLimit, `staff:${member.id}`, res.locals);
      if (tooMany) return renderFormErrors(res, VIEW, [tooMany], {}, { done: false }, 429);
      const passwordHash = await deps.hasher.hash(fields.newPassword); // slow: before the transaction
      const saved = await deps.inTransaction((stores) => setOwnStaffPassword(stores, member, passwordHash, requestOrigin(req), 'password_changed'));
      if (!saved) return res.redirect(paths.desk.home); // an admin's change ended this session meanwhile
      await deps.auth.endOtherSessions(req, deps.staff);
      redirectWithNotice(req, res, paths.desk.password, 'changed');
    },
  };
}
