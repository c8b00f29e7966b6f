import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { SecurityActivityController } from './controller';

/** "Beveiligingsactiviteit": the patient's own security events, newest first. */
export function securityActivityRoutes(controller: SecurityActivityController, auth: AuthLevels): Router {
  const router = Router();
  router.get(paths.account.activity, auth.signedIn, controller.show);
  return router;
}
