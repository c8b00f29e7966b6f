import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { ExpiredFormPages } from '../../http/csrf';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import type { DeskSignInController } from './controller';

export function deskSignInRoutes(controller: DeskSignInController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission, expiredForms: ExpiredFormPages): Router {
  const router = Router();
  const { home, signOut, secondStep, patients, recoveryCodeUsed } = paths.desk;
  expiredForms.set(home, { show: controller.formExpired });
  // A password, code or passkey answer sent twice (a double click): the second goes where the first leads.
  const once = oneSubmission(() => patients);
  router.get(home, controller.show);
  router.post(home, oneSubmission(() => secondStep.code), controller.submit);
  router.get(secondStep.code, auth.half, controller.showCode);
  router.post(secondStep.code, auth.half, once, controller.submitCode);
  router.post(secondStep.passkeyOptions, auth.half, controller.passkeyOptions);
  router.post(secondStep.passkey, auth.half, once, controller.submitPasskey);
  router.get(secondStep.recovery, auth.half, controller.showRecovery);
  // After a recovery code, to the page that says how many are left: the browser shows only the second's answer.
  router.post(secondStep.recovery, auth.half, oneSubmission(() => recoveryCodeUsed), controller.submitRecovery);
  router.get(recoveryCodeUsed, auth.signedIn, controller.showRecoveryUsed);
  router.post(secondStep.cancel, auth.half, controller.cancel);
  router.post(signOut, controller.signOut);
  return router;
}
