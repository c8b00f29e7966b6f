import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { DeskPasskeysController } from './controller';

const { passkeys } = paths.desk;

export function deskPasskeysRoutes(controller: DeskPasskeysController, auth: AuthLevels<StaffMember>): Router {
  const router = Router();
  const confirmed = [auth.signedIn, controller.requireConfirmed];
  router.post(paths.desk.secondStep.passkeyOptions, auth.half, controller.options.secondStep);
  router.get(passkeys.list, auth.signedIn, controller.show);
  router.post(passkeys.confirm, auth.signedIn, controller.confirm);
  router.post(passkeys.addOptions, confirmed, controller.options.register);
  router.post(passkeys.add, confirmed, controller.add);
  router.post(passkeys.remove(':id'), confirmed, controller.remove);
  return router;
}
