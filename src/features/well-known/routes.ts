import { Router } from 'express';
import { paths } from '../../paths';
import type { WellKnownController } from './controller';

/** Mounted before sessions, as the health checks: no session is made or read. */
export function wellKnownRoutes(controller: WellKnownController): Router {
  const router = Router();
  router.get(paths.wellKnown.changePassword, controller.changePassword);
  router.get(paths.wellKnown.passkeyEndpoints, controller.passkeyEndpoints);
  router.get(paths.wellKnown.securityTxt, controller.securityTxt);
  return router;
}
