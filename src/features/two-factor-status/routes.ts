import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { TwoFactorStatusController } from './controller';

export function twoFactorStatusRoutes(controller: TwoFactorStatusController, auth: AuthLevels): Router {
  const router = Router();
  router.get(paths.twoStep.status, auth.signedIn, controller.show);
  router.get(paths.help.twoStep, controller.showAbout); // public: it can be read before signing in
  return router;
}
