import { Router } from 'express';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { SecondStepController } from './controller';

export function secondStepRoutes(controller: SecondStepController, auth: AuthLevels, oneSubmission: OneSubmission): Router {
  const router = Router();
  // A code or passkey answer sent twice (a double click): the second goes where the first leads.
  const once = oneSubmission(() => paths.workspace);
  const { code, resend, recovery, recoveryUsed, cancel, passkey, passkeyOptions } = paths.secondStep;
  router.get(code, auth.half, controller.showCode);
  router.post(code, auth.half, once, controller.submitCode);
  router.post(resend, auth.half, controller.resendCode);
  router.get(recovery, auth.half, controller.showRecovery);
  router.post(recovery, auth.half, once, controller.submitRecovery);
  router.post(passkeyOptions, auth.half, controller.passkeyOptions);
  router.post(passkey, auth.half, once, controller.submitPasskey);
  router.post(cancel, auth.half, controller.cancel);
  router.get(recoveryUsed, auth.signedIn, controller.showRecoveryUsed);
  return router;
}
