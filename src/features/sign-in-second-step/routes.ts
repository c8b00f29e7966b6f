import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { SecondStepController } from './controller';

export function secondStepRoutes(controller: SecondStepController, auth: AuthLevels): Router {
  const router = Router();
  const { code, resend, recovery, recoveryUsed, cancel, passkey } = paths.secondStep;
  router.get(code, auth.half, controller.showCode);
  router.post(code, auth.half, controller.submitCode);
  router.post(resend, auth.half, controller.resendCode);
  router.get(recovery, auth.half, controller.showRecovery);
  router.post(recovery, auth.half, controller.submitRecovery);
  router.post(passkey, auth.half, controller.submitPasskey);
  router.post(cancel, auth.half, controller.cancel);
  router.get(recoveryUsed, auth.signedIn, controller.showRecoveryUsed);
  return router;
}
