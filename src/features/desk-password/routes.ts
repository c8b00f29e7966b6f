import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { DeskPasswordController } from './controller';

export function deskPasswordRoutes(controller: DeskPasswordController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  router.get(paths.desk.password, auth.signedIn, controller.show);
  router.post(paths.desk.password, auth.signedIn, oneSubmission(() => paths.desk.password), controller.submit);
  return router;
}
