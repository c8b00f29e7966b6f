import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { ConfirmationController } from './controller';

export function confirmationRoutes(controller: ConfirmationController, auth: AuthLevels): Router {
  const router = Router();
  router.get(paths.account.confirm, auth.signedIn, controller.show);
  router.post(paths.account.confirm, auth.signedIn, controller.submit);
  router.post(paths.account.confirmCode, auth.signedIn, controller.sendCode);
  return router;
}
