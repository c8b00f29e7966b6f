import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { PasswordChangeController } from './controller';

export function passwordChangeRoutes(controller: PasswordChangeController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  const fresh = [auth.signedIn, auth.fresh(paths.account.password)];
  router.get(paths.account.password, fresh, controller.show);
  router.post(paths.account.password, fresh, oneSubmission(() => paths.account.password), controller.submit);
  return router;
}
