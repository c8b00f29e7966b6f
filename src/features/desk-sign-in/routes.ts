import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { DeskSignInController } from './controller';

export function deskSignInRoutes(controller: DeskSignInController, auth: AuthLevels<StaffMember>): Router {
  const router = Router();
  const { home, signOut, secondStep } = paths.desk;
  router.get(home, controller.show);
  router.post(home, controller.submit);
  router.get(secondStep.code, auth.half, controller.showCode);
  router.post(secondStep.code, auth.half, controller.submitCode);
  router.post(secondStep.passkey, auth.half, controller.submitPasskey);
  router.get(secondStep.recovery, auth.half, controller.showRecovery);
  router.post(secondStep.recovery, auth.half, controller.submitRecovery);
  router.post(secondStep.cancel, auth.half, controller.cancel);
  router.post(signOut, controller.signOut);
  return router;
}
