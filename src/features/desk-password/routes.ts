import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { DeskPasswordController } from './controller';

export function deskPasswordRoutes(controller: DeskPasswordController, auth: AuthLevels<StaffMember>): Router {
  const router = Router();
  router.get(paths.desk.password, auth.signedIn, controller.show);
  router.post(paths.desk.password, auth.signedIn, controller.submit);
  return router;
}
