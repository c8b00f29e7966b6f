import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { WorkspaceController } from './controller';

export function workspaceRoutes(controller: WorkspaceController, auth: AuthLevels): Router {
  const router = Router();
  router.get(paths.home, controller.home);
  router.get(paths.workspace, auth.signedIn, controller.show);
  router.get(paths.workspaceModule(':id'), auth.signedIn, controller.showModule);
  return router;
}
