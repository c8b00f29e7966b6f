import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { DeskPasskeysController } from './controller';

const { passkeys } = paths.desk;

export function deskPasskeysRoutes(controller: DeskPasskeysController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  const confirmed = [auth.signedIn, controller.requireConfirmed];
  router.get(passkeys.list, auth.signedIn, controller.show);
  // Password and code sent twice at once (a double click) are checked once; the second is sent on.
  router.post(passkeys.confirm, auth.signedIn, oneSubmission(() => passkeys.list), controller.confirm);
  // The confirmation is the list's first form: its address, where a refused one is shown, leads back there.
  router.get(passkeys.confirm, auth.signedIn, (_req, res) => res.redirect(passkeys.list));
  router.post(passkeys.addOptions, confirmed, controller.addOptions);
  // The new passkey sent twice at once (a double click) is added once; the second is sent on.
  router.post(passkeys.add, confirmed, oneSubmission(() => passkeys.list), controller.add);
  router.get(passkeys.remove(':id'), confirmed, controller.showRemove);
  // A removal sent twice at once (a double click) is done once; the second is sent on.
  router.post(passkeys.remove(':id'), confirmed, oneSubmission(() => passkeys.list), controller.remove);
  return router;
}
