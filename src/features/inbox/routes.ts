import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { InboxController } from './controller';

/** "Berichten": the messages Karify sent the patient, newest first. */
export function inboxRoutes(controller: InboxController, auth: AuthLevels): Router {
  const router = Router();
  router.get(paths.inbox, auth.signedIn, controller.show);
  return router;
}
