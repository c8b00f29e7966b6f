import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { OwnPasswordController } from './controller';

export function ownPasswordRoutes(controller: OwnPasswordController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  router.get(paths.account.ownPassword, auth.signedIn, controller.show);
  // Sent twice (a double click): the second shows what the first did.
  router.post(paths.account.ownPassword, auth.signedIn, oneSubmission(() => paths.account.ownPassword), controller.submit);
  return router;
}
