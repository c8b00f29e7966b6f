import { Router } from 'express';
import { requireSignedIn } from '../../http/authentication';
import { SECOND_STEP_PATH } from '../../http/pending-sign-in';
import { createSecondStepController, RECOVERY_PATH, RECOVERY_USED_PATH } from './controller';

export function secondStepRoutes(controller: ReturnType<typeof createSecondStepController>): Router {
  const router = Router();
  router.get(SECOND_STEP_PATH, controller.showCode);
  router.post(SECOND_STEP_PATH, controller.submitCode);
  router.post(`${SECOND_STEP_PATH}/nieuwe-code`, controller.resendCode);
  router.get(RECOVERY_PATH, controller.showRecovery);
  router.post(RECOVERY_PATH, controller.submitRecovery);
  router.post('/inloggen/annuleren', controller.cancel);
  router.get(RECOVERY_USED_PATH, requireSignedIn, controller.showRecoveryUsed);
  return router;
}
