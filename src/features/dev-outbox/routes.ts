import { Router } from 'express';
import { paths } from '../../paths';
import type { DevOutboxController } from './controller';

/** Never mounted in production (see src/features/index.ts). Open to half sessions: that is where the code is needed. */
export function devOutboxRoutes(controller: DevOutboxController): Router {
  const router = Router();
  router.get(paths.devSmsOutbox, controller.show);
  return router;
}
