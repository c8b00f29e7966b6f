import { Router } from 'express';
import { requireSignedIn } from '../../http/authentication';
import { CONFIRM_PATH } from '../../http/fresh-confirmation';
import { createConfirmationController } from './controller';

export function confirmationRoutes(controller: ReturnType<typeof createConfirmationController>): Router {
  const router = Router();
  router.get(CONFIRM_PATH, requireSignedIn, controller.show);
  router.post(CONFIRM_PATH, requireSignedIn, controller.submit);
  router.post(`${CONFIRM_PATH}/code`, requireSignedIn, controller.sendCode);
  return router;
}
