import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { SecurityActivityController } from './controller';

/** "Beveiligingsactiviteit": the patient's own security events, newest first, and signing out elsewhere. */
export function securityActivityRoutes(controller: SecurityActivityController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  router.get(paths.account.activity, auth.signedIn, controller.show);
  // Sent twice (a double click): the second goes to the page the first led to.
  router.post(paths.account.signOutElsewhere, auth.signedIn, oneSubmission(() => paths.account.activity), controller.signOutElsewhere);
  return router;
}
