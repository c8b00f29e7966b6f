import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import { safeReturnPath } from './validation';
import type { ConfirmationController } from './controller';

export function confirmationRoutes(controller: ConfirmationController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  // Sent twice (a double click): the second goes where the first leads, the page it confirms for.
  const once = oneSubmission((req) => safeReturnPath(req.body?.terug));
  router.get(paths.account.confirm, auth.signedIn, controller.show);
  router.post(paths.account.confirm, auth.signedIn, once, controller.submit);
  router.post(paths.account.confirmCode, auth.signedIn, controller.sendCode);
  router.post(paths.account.confirmPasskeyOptions, auth.signedIn, controller.passkeyOptions);
  return router;
}
