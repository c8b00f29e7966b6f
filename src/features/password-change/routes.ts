import { Router, type Request, type Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { PasswordHasher } from '../../domain/passwords';
import type { SecurityNotifier } from '../../domain/security-notifier';
import type { UserStore } from '../../domain/users';
import { endOtherSessions, requestOrigin, requireSignedIn } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { requireFreshConfirmation } from '../../http/fresh-confirmation';
import { PASSWORD_CHANGE_FIELDS, validateNewPassword } from './validation';

const PATH = '/account/wachtwoord';
const VIEW = 'password-change/index';

export function passwordChangeRoutes(deps: {
  users: UserStore;
  hasher: PasswordHasher;
  notifier: SecurityNotifier;
  clock: Clock;
  freshMinutes: number;
}): Router {
  const router = Router();
  const fresh = [requireSignedIn, requireFreshConfirmation(deps.clock, deps.freshMinutes, PATH)];

  router.get(PATH, fresh, (req: Request, res: Response) => res.render(VIEW, { done: req.query.gewijzigd === '1' }));

  router.post(PATH, fresh, async (req: Request, res: Response) => {
    const user = req.user!;
    const fields = readFields(req.body, PASSWORD_CHANGE_FIELDS);
    const errors = await validateNewPassword(fields, user, res.locals.t);
    if (errors.length === 0 && (await deps.hasher.verify(user.passwordHash, fields.newPassword))) {
      errors.push({ field: 'newPassword', message: res.locals.t('passwordChange.errors.same') });
    }
    if (errors.length > 0) return renderFormErrors(res, VIEW, errors, {}, { done: false });
    await deps.users.setPasswordHash(user.id, await deps.hasher.hash(fields.newPassword));
    await deps.notifier.notify(user.id, 'password_changed', requestOrigin(req));
    await endOtherSessions(req, deps.users);
    res.redirect(303, `${PATH}?gewijzigd=1`);
  });
  return router;
}
