import type { Request, Response } from 'express';
import { acceptNewPassword } from '../../components/new-password/validation';
import { fewCodesLeftOf } from '../../components/recovery-codes/left';
import type { InTransaction } from '../../domain/account-stores';
import { hasOneTimePassword } from '../../domain/one-time-passwords';
import type { PasswordChangeLimit } from '../../domain/password-change-limit';
import type { PasswordHasher } from '../../domain/passwords';
import type { TwoFactorStore } from '../../domain/two-factor';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { paths } from '../../paths';
import { OWN_PASSWORD_FIELDS, SAME_AS_TEMPORARY } from './validation';

const VIEW = 'own-password/index';
const CHOSEN = 'chosen';

export interface OwnPasswordDeps {
  users: UserStore;
  hasher: PasswordHasher;
  inTransaction: InTransaction;
  auth: AuthLevels;
  passwordChangeLimit: PasswordChangeLimit;
  twoFactor: Pick<TwoFactorStore, 'status'>;
}

export type OwnPasswordController = ReturnType<typeof createOwnPasswordController>;

/**
 * "Kies je eigen wachtwoord": where a patient who signed in with the temporary password the clinic
 * gave them (auth-level.ts keeps them here) chooses their own, by the same rules as a change.
 */
export function createOwnPasswordController(deps: OwnPasswordDeps) {
  return {
    async show(req: Request, res: Response) {
      if (takePageNotice(req, res) === CHOSEN) {
        // A recovery code may have signed them in: "Herstelcode gebruikt" urged new codes, and led here.
        const status = await deps.twoFactor.status(req.user!.id);
        return res.render(VIEW, { done: true, status, few: fewCodesLeftOf(status) });
      }
      if (!hasOneTimePassword(req.user!)) return res.redirect(paths.workspace);
      res.render(VIEW, { done: false });
    },

    async submit(req: Request, res: Response) {
      const user = req.user!;
      if (!hasOneTimePassword(user)) return res.redirect(paths.workspace);
      const fields = readFields(req.body, OWN_PASSWORD_FIELDS);
      const accepted = await acceptNewPassword(deps, { fields, account: user, limitKey: `patient:${user.id}`, sameKey: SAME_AS_TEMPORARY }, res.locals);
      if ('errors' in accepted) return renderFormErrors(res, VIEW, accepted.errors, {}, { done: false }, accepted.status);
      const passwordHash = accepted.hash;
      const saved = await deps.inTransaction(async ({ users, notifier }) => {
        if (!(await users.lockIfUnchanged(user))) return false; // a clinic change meanwhile stands
        await users.setOwnPassword(user.id, passwordHash);
        await notifier.notify(user.id, 'password_changed', requestOrigin(req));
        return true;
      });
      if (!saved) return res.redirect(paths.workspace); // this session was ended meanwhile: the sign-in page says so
      await deps.auth.endOtherSessions(req, deps.users);
      redirectWithNotice(req, res, paths.account.ownPassword, CHOSEN);
    },
  };
}
