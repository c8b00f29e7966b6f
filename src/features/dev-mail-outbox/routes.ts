import { Router } from 'express';
import { paths } from '../../paths';
import type { DevMailOutboxController } from './controller';

/** Never mounted in production, nor when mail goes out by SMTP (see src/features/index.ts). */
export function devMailOutboxRoutes(controller: DevMailOutboxController): Router {
  const router = Router();
  router.get(paths.devMailOutbox, controller.show);
  return router;
}
