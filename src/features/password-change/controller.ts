import type { Request, Response } from 'express';
import type { PasswordHasher } from '../../domain/passwords';
import type { InTransaction } from '../../domain/account-stores';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { paths } from '../../paths';
import type { PasswordChangeLimit } from '../../domain/password-change-limit';
import { acceptNewPassword } from '../../components/new-password/validation';
import { PASSWORD_CHANGE_FIELDS, SAME_AS_CURRENT } from './validation';

const VIEW = 'password-change/index';

export interface PasswordChangeDeps {
  users: UserStore;
  hasher: PasswordHasher;
  inTransaction: InTransaction;
  auth: AuthLevels;
  passwordChangeLimit: PasswordChangeLimit;
}

export type PasswordChangeController = ReturnType<typeof createPasswordChangeController>;

/** "Wachtwoord wijzigen", after a fresh confirmation: the same rules as the admin command. */
export function createPasswordChangeController(deps: PasswordChangeDeps) {
  return {
    show: (req: Request, res: Response) => res.render(VIEW, { done: takePageNotice(req, res) === 'changed' }),

    async submit(req: Request, res: Response) {
      const user = req.user!;
      const fields = readFields(req.body, PASSWORD_CHANGE_FIELDS);
      const accepted = await acceptNewPassword(deps, { fields, account: user, limitKey: `patient:${user.id}`, sameKey: SAME_AS_CURRENT }, res.locals);
      if ('errors' in accepted) return renderFormErrors(res, VIEW, accepted.errors, {}, { done: false }, accepted.status);
      const passwordHash = accepted.hash;
      await deps.inTransaction(async ({ users, notifier }) => {
        await users.setOwnPassword(user.id, passwordHash);
        await notifier.notify(user.id, 'password_changed', requestOrigin(req));
      });
      await deps.auth.endOtherSessions(req, deps.users);
      redirectWithNotice(req, res, paths.account.password, 'changed');
    },
  };
}
