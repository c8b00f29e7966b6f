import { Router } from 'express';
import { paths } from '../../paths';
import type { HealthController } from './controller';

/** Mounted before sessions: a health check creates no session and needs no session store. */
export function healthRoutes(controller: HealthController): Router {
  const router = Router();
  router.get(paths.health.live, controller.live);
  router.get(paths.health.ready, controller.ready);
  return router;
}
